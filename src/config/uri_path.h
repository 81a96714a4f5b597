#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace relay7::config {

// What is wrong with a location path or proxy_pass prefix, e.g. `must not contain "//"`, or
// nullopt when it is acceptable. Paths are matched against normalised request paths, so
// anything a normalised path cannot contain would silently never match.
std::optional<std::string> uri_path_problem(std::string_view path);

// What is wrong with one byte of a path written into a request line: whitespace would split the
// line and control bytes are refused by every HTTP parser, relay7's own included.
std::optional<std::string> request_line_byte_problem(char c);

}  // namespace relay7::config
