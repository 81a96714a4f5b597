#include "proxy_config.h"

namespace relay7::testing {

std::string loopback_address(uint16_t port) {
  return "127.0.0.1:" + std::to_string(port);
}

nlohmann::json single_upstream_config(const std::vector<uint16_t>& ports) {
  nlohmann::json servers = nlohmann::json::array();
  for (uint16_t port : ports)
    servers.push_back(loopback_address(port));
  nlohmann::json config;
  config["workers"] = 1;
  config["upstreams"][kTestUpstream]["servers"] = servers;
  config["servers"] = nlohmann::json::array();
  config["servers"].push_back({
      {"listen", nlohmann::json::array({"127.0.0.1:0"})},
      {"locations", nlohmann::json::array(
                        {{{"path", "/"}, {"proxy_pass", std::string("http://") + kTestUpstream}}})},
  });
  return config;
}

nlohmann::json single_upstream_config(const std::vector<uint16_t>& ports, unsigned workers) {
  nlohmann::json config = single_upstream_config(ports);
  config["workers"] = workers;
  return config;
}

}  // namespace relay7::testing
