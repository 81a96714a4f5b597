#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "child_process.h"
#include "temp_dir.h"

namespace relay7::testing {

inline constexpr const char* kHaproxyBinary = "/usr/sbin/haproxy";

// Debian's HAProxy in the foreground (-db: one process, stopped by pid with everything it runs)
// with a test's config written to a private directory. Stopped when this goes away.
class HaproxyProcess {
 public:
  // The whole config for the frontend port HAProxy should bind; called again with a new port
  // when that one was taken.
  using ConfigForPort = std::function<std::string(uint16_t port)>;

  // Throws std::runtime_error (with HAProxy's output) if it does not start accepting.
  explicit HaproxyProcess(const ConfigForPort& make_config);

  uint16_t port() const { return port_; }
  pid_t pid() const { return process_->pid(); }
  std::string output() const { return process_->stdout_text() + process_->stderr_text(); }

 private:
  bool start_once(const std::string& config, uint16_t port);

  TempDir dir_{"relay7-haproxy"};
  std::unique_ptr<ChildProcess> process_;
  uint16_t port_ = 0;
};

}  // namespace relay7::testing
