#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace relay7::nginx_import {

inline constexpr size_t kJsonLineWidth = 100;

// A config laid out as the files of etc/examples/ are: one key a line where a value holds named
// or listed objects (the top level, "upstreams", "servers", "locations"), and any other object
// or array on one line when it fits in kJsonLineWidth columns. Two-space indentation, keys in
// the order given, a final newline.
std::string format_config_json(const nlohmann::ordered_json& config);

}  // namespace relay7::nginx_import
