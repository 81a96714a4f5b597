#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relay7/config/config.h"

namespace relay7 {

// Either a complete, validated Config or every error found, each a full line such as
// `relay7.json:3:7: syntax error: ...` or
// `relay7.json: servers[0].locations[3]: unknown key "retirn" (did you mean "return"?)`.
struct ConfigLoadResult {
  std::optional<Config> config;
  std::vector<std::string> errors;

  bool ok() const { return config.has_value(); }
};

ConfigLoadResult load_config_file(const std::string& path);
ConfigLoadResult parse_config_text(std::string_view text, const std::string& source_name);

}  // namespace relay7
