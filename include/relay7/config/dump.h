#pragma once

#include <nlohmann/json.hpp>

#include "relay7/config/config.h"

namespace relay7 {

// The effective configuration as JSON in the config file's own syntax, with every default
// filled in (`relay7 -T`). Loading the result gives the same Config.
nlohmann::ordered_json dump_config(const Config& config);

// 65536 -> "64k", 1000 -> "1000": the largest 1024-based unit that keeps the value exact.
std::string format_size(uint64_t bytes);

// 250ms -> "250ms", 60000ms -> "60s": the largest unit that keeps the value exact.
std::string format_duration(Duration duration);

}  // namespace relay7
