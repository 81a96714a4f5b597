#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "child_process.h"
#include "temp_dir.h"

namespace relay7::testing {

inline constexpr const char* kNginxBinary = "/usr/sbin/nginx";

// Debian's nginx running a test's config: one process in the foreground ("daemon off;
// master_process off;", so stopping it by pid stops everything it runs), with its prefix, pid
// file, logs and temporary files in a private directory. Stopped when this goes away.
class NginxProcess {
 public:
  // Builds the whole nginx config for the port nginx should listen on, given nginx's private
  // directory; called again with a new port when that one was taken.
  using ConfigForPort = std::function<std::string(uint16_t port, const std::string& dir)>;

  // Throws std::runtime_error (with nginx's error log) if nginx does not start accepting.
  explicit NginxProcess(const ConfigForPort& make_config);

  uint16_t port() const { return port_; }
  pid_t pid() const { return process_->pid(); }
  std::string error_log() const;

  // The http-level directives that keep nginx's temporary files in `dir` instead of its
  // built-in /var/lib/nginx; a test puts them into the http block it gives nginx.
  static std::string temp_path_directives(const std::string& dir);

 private:
  bool start_once(const std::string& config, uint16_t port);

  TempDir dir_{"relay7-nginx"};
  std::string dir_path_ = dir_.path().string();
  std::unique_ptr<ChildProcess> process_;
  uint16_t port_ = 0;
};

}  // namespace relay7::testing
