#include "demo/options.h"

#include <charconv>
#include <string_view>

namespace relay7::demo {
namespace {

std::optional<uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value > 65535)
    return std::nullopt;
  return static_cast<uint16_t>(value);
}

// Accepts "--flag value" and "--flag=value".
bool take_value(std::string_view arg, std::string_view flag, int& index, int argc, char** argv,
                std::string& value, std::string& error) {
  if (arg.size() > flag.size() && arg.substr(0, flag.size()) == flag && arg[flag.size()] == '=') {
    value = std::string(arg.substr(flag.size() + 1));
    return true;
  }
  if (index + 1 >= argc) {
    error = std::string(flag) + " needs a value";
    return false;
  }
  value = argv[++index];
  return true;
}

bool matches(std::string_view arg, std::string_view flag) {
  return arg == flag || (arg.substr(0, flag.size()) == flag && arg.size() > flag.size() &&
                         arg[flag.size()] == '=');
}

}  // namespace

const char* usage_text() {
  return "usage: relay7-demo-backend --port N [--host ADDR] [--name NAME]\n"
         "  --port N     port to listen on (0 picks a free one)\n"
         "  --host ADDR  address to bind (default 127.0.0.1)\n"
         "  --name NAME  name reported in responses (default backend-N)\n";
}

OptionsResult parse_options(int argc, char** argv) {
  OptionsResult result;
  Options options;
  bool have_port = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    std::string value;
    if (arg == "--help" || arg == "-h")
      return result;
    if (matches(arg, "--port")) {
      if (!take_value(arg, "--port", i, argc, argv, value, result.error))
        return result;
      const std::optional<uint16_t> port = parse_port(value);
      if (!port) {
        result.error = "invalid port: " + value;
        return result;
      }
      options.port = *port;
      have_port = true;
    } else if (matches(arg, "--host")) {
      if (!take_value(arg, "--host", i, argc, argv, options.host, result.error))
        return result;
    } else if (matches(arg, "--name")) {
      if (!take_value(arg, "--name", i, argc, argv, options.name, result.error))
        return result;
    } else {
      result.error = "unknown argument: " + std::string(arg);
      return result;
    }
  }
  if (!have_port) {
    result.error = "--port is required";
    return result;
  }
  result.options = options;
  return result;
}

}  // namespace relay7::demo
