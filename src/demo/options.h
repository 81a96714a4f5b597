#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace relay7::demo {

struct Options {
  uint16_t port = 0;  // 0 asks the kernel for a free port; "ready N" reports the real one
  std::string host = "127.0.0.1";
  std::string name;  // empty: "backend-<port>"
};

struct OptionsResult {
  std::optional<Options> options;  // empty on error or --help
  std::string error;               // empty with --help
};

OptionsResult parse_options(int argc, char** argv);

const char* usage_text();

}  // namespace relay7::demo
