#pragma once

#include <string>
#include <string_view>

#include "relay7/pipeline/downstream.h"
#include "relay7/transport/io_buffer.h"

namespace relay7 {

// How the body of a response travels to an HTTP/1 client.
enum class ResponseBodyMode {
  none,         // HEAD, 1xx, 204, 304
  length,       // Content-Length: moved as it is
  chunked,      // re-framed as chunked (length unknown, client is HTTP/1.1)
  until_close,  // raw, ended by closing (length unknown, client is HTTP/1.0)
};

// How a response head goes to an HTTP/1 client, beyond what the pipeline said about it.
struct Http1ResponseFraming {
  ResponseBodyMode body_mode = ResponseBodyMode::none;
  bool keep_alive = false;
  bool client_http11 = true;
  std::string_view date;  // the Date of relay7's own answers
};

// Appends the response head sent to an HTTP/1 client to `out`: for a backend's response, its
// fields without the hop-by-hop ones of the upstream hop; for relay7's own, Server, Date,
// Content-Type and Content-Length; then framing and Connection for the client hop.
void write_response_head(const ResponseHead& head, const Http1ResponseFraming& framing,
                         IoBuffer& out);

}  // namespace relay7
