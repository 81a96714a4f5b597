#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "child_process.h"
#include "temp_dir.h"

namespace relay7::testing {

struct Relay7Options {
  // From start until the listen port accepts connections.
  std::chrono::milliseconds start_timeout{10000};
  // free_port() is racy: another process may bind the port first. relay7 is started again on a
  // new port this many times in all before giving up.
  int bind_attempts = 5;
  // Where readiness is probed; the listen addresses must include this host.
  std::string ready_host = "127.0.0.1";
};

// A running `relay7 -c FILE`, stopped by pid when this goes away. The config is written into a
// private directory; unless it names one, "pid_file" is pointed there too, so tests never touch
// /run/relay7.pid or each other's pid files.
class Relay7Process {
 public:
  // Builds the whole config for the port relay7 should listen on; called again with a new port
  // when relay7 fails to bind.
  using ConfigForPort = std::function<nlohmann::json(uint16_t port)>;

  // Every "listen" of every server block becomes "127.0.0.1:PORT" (see listen_on).
  explicit Relay7Process(nlohmann::json config, Relay7Options options = {});
  explicit Relay7Process(ConfigForPort make_config, Relay7Options options = {});
  Relay7Process(Relay7Process&&) noexcept = default;
  Relay7Process& operator=(Relay7Process&&) noexcept = default;

  uint16_t port() const { return port_; }
  pid_t pid() const { return process_->pid(); }
  const std::filesystem::path& config_path() const { return config_path_; }
  // The config as written to config_path() (after the port and pid_file were filled in).
  const nlohmann::json& config() const { return config_; }
  std::string stderr_text() const { return process_->stderr_text(); }
  ChildProcess& process() { return *process_; }

  // Every process relay7 started, transitively (workers, once relay7 forks them).
  std::vector<pid_t> descendant_pids() const;
  // pid() followed by descendant_pids().
  std::vector<pid_t> all_pids() const;

  // Rewrites the config file with `config` exactly as given (plus the pid_file default) and
  // sends SIGHUP. Keep listening on port() unless the test means to move; see listen_on.
  void reload_with(const nlohmann::json& config);

  // SIGTERM, then SIGKILL after `grace`; returns the raw wait status.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  enum class StartResult { kReady, kPortTaken };

  void start(const ConfigForPort& make_config);
  StartResult start_once(const nlohmann::json& config, uint16_t port);
  void write_config(const nlohmann::json& config);
  bool owns_listening_socket(uint16_t port) const;
  [[noreturn]] void fail(const std::string& what);

  Relay7Options options_;
  std::unique_ptr<TempDir> dir_;
  std::filesystem::path config_path_;
  nlohmann::json config_;
  std::unique_ptr<ChildProcess> process_;
  uint16_t port_ = 0;
};

// `config` with the "listen" array of every server block replaced by ["127.0.0.1:PORT"].
nlohmann::json listen_on(nlohmann::json config, uint16_t port);

// Children of `pid` and all their descendants, from /proc/PID/task/*/children; empty if `pid`
// is gone. A process that exits while this runs is simply left out.
std::vector<pid_t> descendant_pids(pid_t pid);

// VmRSS of `pid` in bytes, nullopt if the process is gone (or a zombie).
std::optional<uint64_t> rss_bytes(pid_t pid);

}  // namespace relay7::testing
