#include "relay7_process.h"

#include <signal.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

#include "paths.h"
#include "ports.h"
#include "tcp_sockets.h"

namespace relay7::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kPortTaken = "Address already in use";
constexpr std::chrono::milliseconds kProbeInterval{10};

void append_children_of_task(const std::filesystem::path& task_dir, std::vector<pid_t>& out) {
  std::ifstream in(task_dir / "children");
  pid_t child = 0;
  while (in >> child)
    out.push_back(child);
}

std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> children;
  std::error_code error;
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& task : std::filesystem::directory_iterator(tasks, error))
    append_children_of_task(task.path(), children);
  return children;
}

}  // namespace

nlohmann::json listen_on(nlohmann::json config, uint16_t port) {
  const std::string address = "127.0.0.1:" + std::to_string(port);
  if (!config.contains("servers") || !config["servers"].is_array())
    throw std::invalid_argument("listen_on: the config has no \"servers\" array");
  for (nlohmann::json& server : config["servers"])
    server["listen"] = nlohmann::json::array({address});
  return config;
}

std::vector<pid_t> descendant_pids(pid_t pid) {
  std::vector<pid_t> found;
  std::vector<pid_t> pending = children_of(pid);
  // Bounded: a pid cannot be its own descendant, but a pid reused mid-walk could loop.
  while (!pending.empty() && found.size() < 10000) {
    const pid_t next = pending.back();
    pending.pop_back();
    if (std::find(found.begin(), found.end(), next) != found.end())
      continue;
    found.push_back(next);
    const std::vector<pid_t> children = children_of(next);
    pending.insert(pending.end(), children.begin(), children.end());
  }
  return found;
}

std::optional<uint64_t> rss_bytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) != 0)
      continue;
    std::istringstream fields(line.substr(6));
    uint64_t kib = 0;
    std::string unit;
    if (fields >> kib >> unit && unit == "kB")
      return kib * 1024;
    return std::nullopt;
  }
  return std::nullopt;  // gone, or a zombie (which has no VmRSS line)
}

Relay7Process::Relay7Process(nlohmann::json config, Relay7Options options)
    : options_(std::move(options)) {
  start([&config](uint16_t port) { return listen_on(config, port); });
}

Relay7Process::Relay7Process(ConfigForPort make_config, Relay7Options options)
    : options_(std::move(options)) {
  start(make_config);
}

void Relay7Process::start(const ConfigForPort& make_config) {
  dir_ = std::make_unique<TempDir>("relay7-proc");
  config_path_ = dir_->file("relay7.json");
  for (int attempt = 1;; ++attempt) {
    const uint16_t port = free_port();
    if (start_once(make_config(port), port) == StartResult::kReady)
      return;
    if (attempt >= options_.bind_attempts)
      fail("could not bind a free port in " + std::to_string(attempt) + " attempts");
  }
}

Relay7Process::StartResult Relay7Process::start_once(const nlohmann::json& config, uint16_t port) {
  write_config(config);
  ChildOptions child_options;
  child_options.output_dir = dir_->path();
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{relay7_binary(), "-c", config_path_.string()}, child_options);
  port_ = port;
  const auto deadline = Clock::now() + options_.start_timeout;
  while (true) {
    // Accepting alone could be another program that took the port first; the listening socket
    // must belong to relay7 (or, later, one of its processes).
    if (wait_for_port(port, kProbeInterval, options_.ready_host.c_str()) &&
        owns_listening_socket(port)) {
      return StartResult::kReady;
    }
    if (!process_->running()) {
      if (process_->stderr_text().find(kPortTaken) != std::string::npos)
        return StartResult::kPortTaken;
      fail("relay7 exited during startup");
    }
    if (Clock::now() >= deadline)
      fail("relay7 did not accept connections on port " + std::to_string(port) + " in time");
  }
}

bool Relay7Process::owns_listening_socket(uint16_t port) const {
  for (const TcpSocket& socket : tcp_sockets_of(all_pids())) {
    if (socket.listening() && socket.local_port == port)
      return true;
  }
  return false;
}

void Relay7Process::write_config(const nlohmann::json& config) {
  config_ = config;
  if (config_.is_object() && !config_.contains("pid_file"))
    config_["pid_file"] = dir_->file("relay7.pid").string();
  write_file(config_path_, config_.dump(2) + "\n");
}

void Relay7Process::fail(const std::string& what) {
  std::string message = what;
  if (process_) {
    process_->stop();
    const std::optional<int> status = process_->exit_status();
    if (status)
      message += " (" + describe_wait_status(*status) + ")";
    message += "; relay7 stderr:\n" + process_->stderr_text();
  }
  message += "\nconfig " + config_path_.string() + ":\n" + config_.dump(2);
  throw std::runtime_error(message);
}

std::vector<pid_t> Relay7Process::descendant_pids() const {
  return relay7::testing::descendant_pids(pid());
}

std::vector<pid_t> Relay7Process::all_pids() const {
  std::vector<pid_t> pids = {pid()};
  const std::vector<pid_t> descendants = descendant_pids();
  pids.insert(pids.end(), descendants.begin(), descendants.end());
  return pids;
}

void Relay7Process::reload_with(const nlohmann::json& config) {
  write_config(config);
  if (!process_->send_signal(SIGHUP))
    throw std::runtime_error("cannot send SIGHUP to relay7: it is not running");
}

int Relay7Process::stop(std::chrono::milliseconds grace) {
  return process_->stop(grace);
}

}  // namespace relay7::testing
