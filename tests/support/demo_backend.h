#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "child_process.h"

namespace relay7::testing {

// A running relay7-demo-backend, stopped when this goes away.
class DemoBackend {
 public:
  static constexpr std::chrono::milliseconds kStartTimeout{10000};

  // Port 0 lets the backend bind a free port itself (no race with other processes); the real
  // port is read from its "ready N" line. An empty name means the backend's default,
  // "backend-<port>". Throws std::runtime_error if it does not become ready.
  explicit DemoBackend(uint16_t port = 0, std::string name = "", std::string host = "127.0.0.1");

  uint16_t port() const { return port_; }
  const std::string& name() const { return name_; }
  const std::string& host() const { return host_; }
  ChildProcess& process() { return process_; }

  // URIs this backend has received (GET /__requests); throws std::runtime_error on failure.
  std::vector<std::string> requests() const;
  // Forgets them (POST /__reset); throws std::runtime_error on failure.
  void reset() const;

 private:
  std::string host_;
  ChildProcess process_;
  uint16_t port_ = 0;
  std::string name_;
};

// The first `length` bytes of what the backend sends for bytes=N: "0123456789abcdef" repeated.
std::string demo_pattern(size_t length);

}  // namespace relay7::testing
