#pragma once

#include <string>
#include <string_view>

namespace relay7 {

// Escapes bytes a client controls (quotes, backslashes, control and non-ASCII bytes) as \xHH so
// no request can forge or split a log line.
void append_log_escaped(std::string& out, std::string_view text);

// Appends `text` as the inside of a JSON string: quotes, backslashes and control bytes escaped,
// valid UTF-8 kept, and each byte that is not part of valid UTF-8 replaced by U+FFFD, so every
// line is valid JSON whatever the client sent.
void append_json_escaped(std::string& out, std::string_view text);

}  // namespace relay7
