#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relay7/config/config.h"

namespace relay7::nginx_import {

// An nginx time ("30", "30s", "1m30s", "1h 30m", "500ms", "2d"): numbers with units in
// decreasing size (ms, s, m, h, d, w, M for 30 days, y for 365 days); a bare number is
// seconds. nullopt when malformed or out of range.
std::optional<Duration> parse_nginx_time(std::string_view text);

// An nginx size ("1024", "8k", "1M", "2g"): relay7 reads the same syntax.
std::optional<uint64_t> parse_nginx_size(std::string_view text);

// nginx's port when an address has none.
inline constexpr std::string_view kDefaultPort = "80";

// Whether "HOST:PORT", "[IPv6]:PORT" (not "HOST", "[IPv6]") names its port.
bool has_port(std::string_view address);
// The address with nginx's default port when it names none.
std::string with_port(std::string_view address);

// A positive whole number without sign or unit ("weight=3"); nullopt otherwise.
std::optional<uint64_t> parse_count(std::string_view text);

// Whether a value holds an nginx variable ("$host", "${host}"), which relay7 cannot evaluate.
bool has_variable(std::string_view text);

// `text` with control characters written as \xHH, so that no config can put terminal escapes
// or line breaks into a message.
std::string printable(std::string_view text);
// printable(text) in double quotes (not std::quoted, which escapes instead).
std::string quote_text(std::string_view text);

// "NAME ARG ARG" as written, for messages; long argument lists are cut with "...".
std::string directive_text(std::string_view name, const std::vector<std::string>& args);

}  // namespace relay7::nginx_import
