#pragma once

#include <string_view>

#include "relay7/http/header_list.h"

namespace relay7 {

// Headers that describe one connection rather than the message (RFC 9110 section 7.6.1), plus
// the framing headers relay7 always regenerates for the next hop.
bool is_connection_specific(std::string_view name);

// True when `name` is listed in any Connection header of `headers` (those are hop-by-hop too).
bool named_by_connection_header(const HeaderList& headers, std::string_view name);

// The Connection header relay7 sends to a client, or "" when the default already says it.
std::string_view connection_header_line(bool keep_alive, bool peer_is_http11);

}  // namespace relay7
