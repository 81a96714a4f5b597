#pragma once

#include <string_view>

#include "relay7/http/message_parser.h"

namespace relay7 {

// The checks on a request head that llhttp leaves to us (RFC 9112):
// - the version: only HTTP/1.0 and HTTP/1.1 (505 otherwise);
// - Host: exactly one in HTTP/1.1, at most one in HTTP/1.0, and a host with an optional port
//   (400): its host name selects the server block and may be copied into a redirect ($host), so
//   bytes like "/", "@", "\\" or spaces never reach either;
// - Transfer-Encoding: only a single "chunked" in HTTP/1.1 (400 otherwise; see
//   transfer_encoding.h): refusing is the only reading that cannot be smuggled through.
// - the method: CONNECT is refused (501). relay7 is a reverse proxy and opens no tunnels to
//   arbitrary hosts; llhttp ends a CONNECT request at its head whatever its framing says, so
//   passing one on would leave relay7 and the backend reading its bytes differently.
// - the version: 1.0 or 1.1 from an HTTP/1 connection, 2.0 from an HTTP/2 stream (505 else): an
//   HTTP/1 request line saying "HTTP/2.0" is not HTTP/2.
// Returns 0 when the head is acceptable, else the status that refuses it.
int refuse_request_head(const MessageHead& head, bool from_http2 = false);

// RFC 9110 section 7.2: uri-host [":" port], where uri-host is an IP literal in brackets or an
// RFC 3986 reg-name (which covers IPv4 addresses). An empty value is valid (HTTP/1.0 allows it).
bool is_valid_host_value(std::string_view value);

}  // namespace relay7
