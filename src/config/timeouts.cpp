#include "config/global_settings.h"

namespace relay7::config {
namespace {

struct TimeoutField {
  std::string_view key;
  Duration TimeoutsConfig::*member;
  Duration min;
};

// Only keepalive may be zero: it switches client keep-alive off, while a zero for the others
// would fail every request.
constexpr Duration kPositive{1};
const TimeoutField kTimeoutFields[] = {
    {"client_header", &TimeoutsConfig::client_header, kPositive},
    {"client_body", &TimeoutsConfig::client_body, kPositive},
    {"keepalive", &TimeoutsConfig::keepalive, Duration(0)},
    {"send", &TimeoutsConfig::send, kPositive},
    {"upstream_connect", &TimeoutsConfig::upstream_connect, kPositive},
    {"upstream_read", &TimeoutsConfig::upstream_read, kPositive},
    {"upstream_send", &TimeoutsConfig::upstream_send, kPositive},
};

}  // namespace

void read_timeouts(const Node& node, TimeoutsConfig& timeouts, Diagnostics& diagnostics) {
  std::vector<std::string_view> keys;
  for (const auto& field : kTimeoutFields) {
    keys.push_back(field.key);
  }
  const auto object = ObjectReader::open(node, keys, diagnostics);
  if (!object) {
    return;
  }
  for (const auto& field : kTimeoutFields) {
    if (const auto value = object->find(field.key)) {
      assign_if(timeouts.*field.member, read_duration(*value, field.min, kMaxTimeout, diagnostics));
    }
  }
}

}  // namespace relay7::config
