#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace relay7::config {

// Builds the paths errors are reported under: `servers[0].locations[3]`, `upstreams.backend`.
std::string path_key(std::string_view parent, std::string_view key);
std::string path_index(std::string_view parent, size_t index);

// A string as a JSON literal, quotes and escapes included, so that odd input stays readable.
std::string quote_json(std::string_view text);

}  // namespace relay7::config
