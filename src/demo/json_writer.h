#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace relay7::demo {

// Appends `bytes` as a quoted JSON string. Request data is arbitrary bytes, so anything that is
// not valid UTF-8 is written as \u00XX (one escape per offending byte) to keep the output valid
// JSON that any test-side parser accepts.
void append_json_string(std::string& out, std::string_view bytes);

std::string json_string_array(const std::vector<std::string>& items);

}  // namespace relay7::demo
