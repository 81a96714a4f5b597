#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "relay7/http/header_list.h"
#include "relay7/transport/io_buffer.h"

namespace relay7 {

// Chunked transfer coding as relay7 writes it (RFC 9112 section 7.1): relay7 re-frames every
// chunked body it forwards, so chunk extensions never pass and chunk sizes are its own.

inline constexpr std::string_view kChunkEnd = "\r\n";

// "SIZE\r\n" in hex into `out`, which must hold kMaxChunkHeader bytes; returns its length.
inline constexpr size_t kMaxChunkHeader = 20;
size_t format_chunk_header(size_t length, char* out);

// Trailer fields that may go on to the next hop: not the ones that frame or route the message
// or describe one connection (RFC 9110 section 6.5.1), which the next hop must never read as
// the sender's.
bool is_forwardable_trailer(const Header& field);

// The last chunk, the forwardable `trailers` and the final CRLF, appended to `out`.
void append_last_chunk(std::string& out, const HeaderList& trailers);
void append_last_chunk(IoBuffer& out, const HeaderList& trailers);

}  // namespace relay7
