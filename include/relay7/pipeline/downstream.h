#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "relay7/http/header_list.h"
#include "relay7/routing/header_rules.h"
#include "relay7/transport/io_buffer.h"

namespace relay7 {

class Transport;

// A field a header rule adds to a response: views into the config and into the request's state.
struct AddedField {
  std::string_view name;
  std::string_view lower_name;  // for HTTP/2
  std::string_view value;
};

// What the response header rules in force do to a final response: leave out the fields they set
// or remove (the backend's, or Server, Date and Content-Type of relay7's own answers), then add
// theirs.
struct ResponseFieldEdits {
  const DroppedFields* dropped = nullptr;
  std::span<const AddedField> added;
};

// A response as the pipeline hands it to the client side, whatever protocol that speaks. The
// session writes it in its own framing: HTTP/1 text with chunked or length framing today, HTTP/2
// frames tomorrow. Views borrow from the exchange (the backend's parsed head, the config) for the
// duration of the call.
struct ResponseHead {
  int status = 200;
  std::string_view reason;  // empty: the standard phrase for the status
  // End-to-end fields to pass on; the session drops hop-by-hop and framing fields itself.
  // nullptr: none.
  const HeaderList* fields = nullptr;
  // The body's length when known before it starts, else it is streamed until end_response().
  std::optional<uint64_t> content_length;
  // No body follows whatever content_length says (HEAD, 1xx, 204, 304).
  bool bodiless = false;
  std::string_view set_cookie;       // non-empty: a Set-Cookie field relay7 adds (sticky upstreams)
  std::string_view location;         // non-empty: a Location field relay7 adds (return redirects)
  bool generated = false;            // relay7's own answer: Server, Date and Content-Type are added
  bool switching_protocols = false;  // 101 to an Upgrade: the connection becomes a tunnel
  // The request was refused as one that cannot be trusted to end where it seems to (malformed,
  // ambiguous): the client's connection must carry nothing more.
  bool close_connection = false;
  // The response header rules, for a final response that is not a 101; nullptr: none.
  const ResponseFieldEdits* edits = nullptr;
};

// The client side of one request, as the request pipeline (pipeline/exchange.h) sees it: an
// HTTP/1 connection (http1/server_session.h) now, an HTTP/2 stream later. The pipeline never
// learns which.
class Downstream {
 public:
  // 1xx responses before the final one (100 Continue, 103 Early Hints), where the client
  // understands them.
  virtual void send_interim(const ResponseHead& head) = 0;
  // The head may be held back until body bytes follow or flush_response(), so that a small
  // response leaves in one write.
  virtual void start_response(const ResponseHead& head) = 0;
  virtual void send_body(std::string_view bytes) = 0;
  // Moves `length` bytes from the front of `from` (the backend's input) without copying them.
  virtual void send_body(IoBuffer& from, size_t length) = 0;
  // The backend has nothing more for now: whatever is held back goes out.
  virtual void flush_response() = 0;
  // The whole response is queued; `trailers` go where the client can carry them.
  virtual void end_response(const HeaderList& trailers) = 0;
  // The response cannot be completed (the backend failed after its head was sent): the client
  // must learn that it is cut, by the connection or the stream ending abnormally.
  virtual void abort_response() = 0;
  // More response queued than relay7 buffers: the pipeline stops reading the backend until
  // on_downstream_drained().
  virtual bool response_backlogged() const = 0;

  // The backend cannot take more of the request body for now / can again.
  virtual void pause_request_body() = 0;
  virtual void resume_request_body() = 0;

  // After a 101: the rest of the connection is a byte tunnel to the backend's `upstream`
  // transport, starting with the bytes the backend already sent after its head.
  virtual void switch_to_tunnel(std::unique_ptr<Transport> upstream, IoBuffer upstream_input) = 0;

 protected:
  ~Downstream() = default;
};

}  // namespace relay7
