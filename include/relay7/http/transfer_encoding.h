#pragma once

#include "relay7/http/message_parser.h"

namespace relay7 {

// Whether `head` frames its body by Transfer-Encoding in the one way relay7 and every next hop
// read alike: no Transfer-Encoding at all, or, in HTTP/1.1, a single field whose value is exactly
// "chunked" (spaces around it allowed). Everything else is refused, in requests (400) and in
// responses (502):
// - two fields, or "chunked, chunked": chunked applied twice (RFC 9112 section 6.1 forbids it);
//   llhttp removes one layer and would pass the other on as the body;
// - any other coding ("gzip, chunked", "gzip"): relay7 re-frames bodies and does not decode
//   transfer codings, so it would pass coded bytes on as if they were the body, and a backend
//   reading "gzip" as the final coding frames a request by other rules than llhttp does;
// - "chunked" followed by a TAB: llhttp (strict) then reads no body at all;
// - Transfer-Encoding in an HTTP/1.0 message: RFC 9112 section 6.1 says its framing is faulty.
bool transfer_encoding_is_unambiguous(const MessageHead& head);

}  // namespace relay7
