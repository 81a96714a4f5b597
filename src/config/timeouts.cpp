#include "config/global_settings.h"

namespace relay7::config {
namespace {

struct TimeoutField {
  std::string_view key;
  Duration TimeoutsConfig::*member;
  Duration min;
};

// keepalive and tunnel_idle may be zero (client keep-alive off; tunnels never time out), while a
// zero for the others would fail every request or close every pooled connection at once.
constexpr Duration kPositive{1};
const TimeoutField kTimeoutFields[] = {
    {"client_header", &TimeoutsConfig::client_header, kPositive},
    {"client_body", &TimeoutsConfig::client_body, kPositive},
    {"keepalive", &TimeoutsConfig::keepalive, Duration(0)},
    {"send", &TimeoutsConfig::send, kPositive},
    {"upstream_connect", &TimeoutsConfig::upstream_connect, kPositive},
    {"upstream_read", &TimeoutsConfig::upstream_read, kPositive},
    {"upstream_send", &TimeoutsConfig::upstream_send, kPositive},
    {"upstream_idle", &TimeoutsConfig::upstream_idle, kPositive},
    {"tunnel_idle", &TimeoutsConfig::tunnel_idle, Duration(0)},
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
