#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "support/demo_backend.h"
#include "support/http_response.h"

namespace relay7::testing {

// Demo backends named "b0", "b1", ... that a test can kill and start again on the same port, to
// watch relay7 take a server out and bring it back.
class BackendGroup {
 public:
  explicit BackendGroup(size_t count);

  size_t size() const { return ports_.size(); }
  uint16_t port(size_t index) const { return ports_.at(index); }
  std::string address(size_t index) const;
  static std::string name(size_t index) { return "b" + std::to_string(index); }
  bool running(size_t index) const { return backends_.at(index) != nullptr; }
  DemoBackend& operator[](size_t index) { return *backends_.at(index); }

  // SIGKILL, as a crash would: no connection is closed gracefully.
  void kill(size_t index);
  void restart(size_t index);

  // Index of the backend that served `response` (from its echo), or size() if none did.
  size_t served_by(const HttpResponse& response) const;
  // The "servers" array of an upstream over every backend of the group.
  nlohmann::json server_list() const;
  // A config with one upstream "pool" over `servers` and one server block proxying "/" to it.
  static nlohmann::json config_with(const nlohmann::json& upstream, unsigned workers = 1);

 private:
  std::vector<uint16_t> ports_;
  std::vector<std::unique_ptr<DemoBackend>> backends_;
};

}  // namespace relay7::testing
