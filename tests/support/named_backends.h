#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/demo_backend.h"
#include "support/http_response.h"

namespace relay7::testing {

// Demo backends named "n0", "n1", ... on 127.0.0.2, 127.0.0.3, ..., all on one port: the
// addresses a host name may resolve to (a name has one port for all its addresses).
class NamedBackends {
 public:
  explicit NamedBackends(size_t count);

  size_t size() const { return backends_.size(); }
  uint16_t port() const { return port_; }
  static std::string host(size_t index) { return "127.0.0." + std::to_string(index + 2); }
  static std::string name(size_t index) { return "n" + std::to_string(index); }
  // Index of the backend that served `response` (from its echo), or size() if none did.
  size_t served_by(const HttpResponse& response) const;
  size_t served_by(const std::string& server) const;

 private:
  bool start_all();

  uint16_t port_ = 0;
  std::vector<std::unique_ptr<DemoBackend>> backends_;
  size_t count_;
};

// A hosts file the test rewrites while relay7 runs. Each write replaces the file through a
// rename, so a reader sees the old contents or the new, never half of them.
class HostsFile {
 public:
  explicit HostsFile(std::filesystem::path path) : path_(std::move(path)) { write({}, {}); }
  // `name` at each of `hosts`; nothing else.
  void write(const std::string& name, const std::vector<std::string>& hosts) const;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The hosts of the NamedBackends at `indices`.
std::vector<std::string> hosts_of(const std::vector<size_t>& indices);

}  // namespace relay7::testing
