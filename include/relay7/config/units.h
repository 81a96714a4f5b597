#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "relay7/config/config.h"

namespace relay7 {

// "250ms", "10s", "2m", "1h": a non-negative integer and a unit, nothing else. nullopt when the
// text is malformed or the value does not fit.
std::optional<Duration> parse_duration(std::string_view text);

// "512", "8k", "1m", "2G": a non-negative integer and an optional 1024-based unit (k, m, g in
// either case). nullopt when the text is malformed or the value does not fit in 64 bits.
std::optional<uint64_t> parse_size(std::string_view text);

}  // namespace relay7
