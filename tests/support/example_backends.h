#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "demo_backend.h"

namespace relay7::testing {

// etc/examples/<file_name> of the source tree, parsed.
nlohmann::json load_example(std::string_view file_name);

// Four demo backends standing in for the examples' 127.0.0.1:2222, 3333, 4444 and 5555, in that
// order, so a test can run a shipped example config against real servers.
class ExampleBackends {
 public:
  static constexpr size_t kCount = 4;
  // The addresses the example configs use, in the order of the backends.
  static const std::vector<std::string>& example_addresses();

  ExampleBackends();

  DemoBackend& operator[](size_t index) { return *backends_.at(index); }
  size_t size() const { return backends_.size(); }
  std::vector<uint16_t> ports() const;
  // Index of the backend listening on `port`, or kCount if none is.
  size_t index_of(uint16_t port) const;

  // `config` with every example address in upstream servers and proxy_pass URLs replaced by the
  // real backend's. Throws std::invalid_argument for any other 127.0.0.1:2222-style address, so
  // a new example cannot quietly send a test's traffic to a fixed port.
  nlohmann::json rewrite(nlohmann::json config) const;

  // URIs each backend received, in backend order (DemoBackend::requests()).
  std::vector<std::vector<std::string>> requests() const;
  void reset() const;

 private:
  std::string address_for(const std::string& example_address) const;
  void rewrite_servers(nlohmann::json& servers) const;
  void rewrite_proxy_pass(nlohmann::json& location) const;

  std::vector<std::unique_ptr<DemoBackend>> backends_;
};

}  // namespace relay7::testing
