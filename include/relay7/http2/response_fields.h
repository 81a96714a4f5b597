#pragma once

#include <nghttp2/nghttp2.h>

#include <string>
#include <string_view>
#include <vector>

#include "relay7/http/header_list.h"
#include "relay7/pipeline/downstream.h"

namespace relay7 {

// The header block of one response (or its trailers) as nghttp2 takes it: name/value views into
// the ResponseHead's fields and into this object, which lower-cases names (HTTP/2 forbids
// upper-case ones, and HTTP/1 backends send them) and holds the numbers it formats. nghttp2 copies
// the block when it is submitted, so one object is reused for every block of a stream.
class Http2ResponseFields {
 public:
  // `date`: the Date of relay7's own answers. The fields of the upstream hop's framing and
  // connection (RFC 9113 section 8.2.2) are left out; Content-Length is given from the head.
  void build(const ResponseHead& head, std::string_view date);
  // An interim (1xx) response: its status and the backend's fields.
  void build_interim(const ResponseHead& head);
  // Trailers: the fields that may end a message (no framing, no pseudo-fields).
  void build_trailers(const HeaderList& trailers);

  const nghttp2_nv* data() const { return fields_.data(); }
  size_t size() const { return fields_.size(); }

 private:
  void start();
  void add_status(int status);
  void add(std::string_view name, std::string_view value);
  // `dropped`: the names response header rules set or remove; nullptr: none.
  void add_backend_fields(const HeaderList& fields, bool keep_content_length,
                          const DroppedFields* dropped);
  void add_generated_fields(const ResponseHead& head, std::string_view date);
  // Reserves room for `bytes` of lower-cased names and numbers, so that the views taken into
  // text_ stay valid while one block is built.
  void reserve(const HeaderList* fields, size_t extra);

  std::vector<nghttp2_nv> fields_;
  std::string text_;  // lower-cased names and formatted numbers of the block being built
};

}  // namespace relay7
