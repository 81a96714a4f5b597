#pragma once

#include <optional>
#include <string>
#include <vector>

namespace relay7 {

inline constexpr const char* kDefaultConfigPath = "/etc/relay7/relay7.json";

struct Options {
  std::string config_path = kDefaultConfigPath;
  bool test_config = false;
  bool show_help = false;
  bool show_version = false;
};

// Parses argv; nullopt with `error` set (a one-line hint) on a usage error.
std::optional<Options> parse_options(const std::vector<std::string>& args, std::string& error);

std::string usage_text();

}  // namespace relay7
