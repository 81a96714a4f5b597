#pragma once

#include <string_view>

namespace relay7::config {

// Letters, digits, '-' and '.' in non-empty labels, optionally after a leading "*." (which
// matches any subdomain). Expects lower-case input.
bool is_valid_server_name(std::string_view name);

}  // namespace relay7::config
