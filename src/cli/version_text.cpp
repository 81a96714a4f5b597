#include <event2/event.h>
#include <llhttp.h>
#include <spdlog/version.h>

#include <nlohmann/json.hpp>
#include <string>

#include "relay7/cli/options.h"
#include "relay7/version.h"

namespace relay7 {
namespace {

std::string dotted(int major, int minor, int patch) {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

}  // namespace

std::string version_text() {
  std::string text = std::string("relay7 ") + kVersion + "\n";
  text += std::string("libevent ") + event_get_version() + "\n";
  text +=
      "llhttp " + dotted(LLHTTP_VERSION_MAJOR, LLHTTP_VERSION_MINOR, LLHTTP_VERSION_PATCH) + "\n";
  text += "spdlog " + dotted(SPDLOG_VER_MAJOR, SPDLOG_VER_MINOR, SPDLOG_VER_PATCH) + "\n";
  text += "nlohmann/json " +
          dotted(NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                 NLOHMANN_JSON_VERSION_PATCH) +
          "\n";
  return text;
}

}  // namespace relay7
