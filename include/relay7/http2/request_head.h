#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "relay7/http/message_parser.h"

namespace relay7 {

// Why an HTTP/2 request head cannot go through the pipeline as it is.
enum class Http2HeadError {
  none,
  target_too_long,  // 414
  too_large,        // 431: over limits.request_head bytes or limits.request_headers fields
  malformed,        // 400: a Host that names another authority than :authority
  unsupported,      // 501: an extended CONNECT for a protocol other than WebSocket
};

// Turns one HTTP/2 request's header fields into the head the request pipeline reads (the same
// MessageHead an HTTP/1 request line and fields give): :method and :path become the method and
// target, :authority becomes Host, cookie crumbs are joined into one field (RFC 9113 section
// 8.2.3), the version is 2.0. An extended CONNECT for WebSocket (RFC 8441) becomes the HTTP/1.1
// upgrade request a backend expects: GET with Upgrade: websocket and a Sec-WebSocket-Key of
// relay7's own (HTTP/2 clients send none; the backend's accept key answers relay7, not them).
// nghttp2 has already refused what HTTP/2 forbids (upper-case names, misplaced or repeated
// pseudo-fields, connection-specific fields), so only relay7's own limits are checked here, with
// the same bounds as an HTTP/1 head.
class Http2RequestHead {
 public:
  explicit Http2RequestHead(const ParserLimits& limits) : limits_(limits) {}

  void add(std::string_view name, std::string_view value);
  // After the last field.
  void finish();

  MessageHead& head() { return head_; }
  const MessageHead& head() const { return head_; }
  Http2HeadError error() const { return error_; }
  // The value of content-length, which nghttp2 has checked is one number and holds the DATA to.
  std::optional<uint64_t> content_length() const { return content_length_; }
  // An extended CONNECT for WebSocket: the stream becomes a tunnel once the backend says 101.
  bool websocket() const { return websocket_; }

 private:
  void add_regular(std::string_view name, std::string_view value);
  void become_websocket_upgrade();

  const ParserLimits& limits_;
  MessageHead head_;
  std::string authority_;
  std::string cookie_;    // the crumbs joined with "; "
  std::string protocol_;  // :protocol of an extended CONNECT
  bool has_authority_ = false;
  bool websocket_ = false;
  size_t bytes_ = 0;
  size_t fields_ = 0;
  std::optional<uint64_t> content_length_;
  Http2HeadError error_ = Http2HeadError::none;
};

}  // namespace relay7
