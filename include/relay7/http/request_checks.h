#pragma once

#include "relay7/http/message_parser.h"

namespace relay7 {

// The checks on a request head that llhttp leaves to us (RFC 9112):
// - the version: only HTTP/1.0 and HTTP/1.1 (505 otherwise);
// - Host: exactly one in HTTP/1.1, at most one in HTTP/1.0 (400);
// - Transfer-Encoding: only a single "chunked" in HTTP/1.1 (400 otherwise; see
//   transfer_encoding.h): refusing is the only reading that cannot be smuggled through.
// - the method: CONNECT is refused (501). relay7 is a reverse proxy and opens no tunnels to
//   arbitrary hosts; llhttp ends a CONNECT request at its head whatever its framing says, so
//   passing one on would leave relay7 and the backend reading its bytes differently.
// Returns 0 when the head is acceptable, else the status that refuses it.
int refuse_request_head(const MessageHead& head);

}  // namespace relay7
