#pragma once

#include <optional>
#include <string>
#include <vector>

namespace relay7 {

inline constexpr const char* kDefaultConfigPath = "/etc/relay7/relay7.json";

// Exit statuses of the relay7 command (documented in relay7(8)).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // a config error, or a failed operation
inline constexpr int kExitUsage = 2;

struct Options {
  std::string config_path = kDefaultConfigPath;
  bool test_config = false;
  bool dump_config = false;           // -T: -t, then the effective config on stdout
  std::optional<std::string> signal;  // -s: reload, quit, stop or reopen
  bool show_help = false;
  bool show_version = false;
};

// Parses argv; nullopt with `error` set (a one-line hint) on a usage error.
std::optional<Options> parse_options(const std::vector<std::string>& args, std::string& error);

std::string usage_text();

// "relay7 0.1.0" and the versions of the libraries it was built with, one per line.
std::string version_text();

}  // namespace relay7
