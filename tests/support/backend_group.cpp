#include "support/backend_group.h"

#include <csignal>

#include "support/backend_json.h"
#include "support/proxy_config.h"

namespace relay7::testing {

BackendGroup::BackendGroup(size_t count) {
  for (size_t i = 0; i < count; ++i) {
    backends_.push_back(std::make_unique<DemoBackend>(0, name(i)));
    ports_.push_back(backends_.back()->port());
  }
}

std::string BackendGroup::address(size_t index) const {
  return loopback_address(port(index));
}

void BackendGroup::kill(size_t index) {
  DemoBackend& backend = *backends_.at(index);
  backend.process().send_signal(SIGKILL);
  backend.process().wait_exit(std::chrono::seconds(10));
  backends_.at(index).reset();
}

void BackendGroup::restart(size_t index) {
  backends_.at(index) = std::make_unique<DemoBackend>(port(index), name(index));
}

size_t BackendGroup::served_by(const HttpResponse& response) const {
  const nlohmann::json echo = parse_echo(response);
  if (echo.is_discarded() || !echo.contains("server") || !echo["server"].is_string()) {
    return size();
  }
  const std::string server = echo["server"].get<std::string>();
  for (size_t i = 0; i < size(); ++i) {
    if (server == name(i)) {
      return i;
    }
  }
  return size();
}

nlohmann::json BackendGroup::server_list() const {
  nlohmann::json servers = nlohmann::json::array();
  for (size_t i = 0; i < size(); ++i) {
    servers.push_back(address(i));
  }
  return servers;
}

nlohmann::json BackendGroup::config_with(const nlohmann::json& upstream, unsigned workers) {
  nlohmann::json config;
  config["workers"] = workers;
  config["upstreams"]["pool"] = upstream;
  config["servers"] = nlohmann::json::array();
  config["servers"].push_back({
      {"listen", nlohmann::json::array({"127.0.0.1:0"})},
      {"locations", nlohmann::json::array({{{"path", "/"}, {"proxy_pass", "http://pool"}}})},
  });
  return config;
}

}  // namespace relay7::testing
