#include "relay7/cli/signal_command.h"

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "relay7/cli/options.h"
#include "relay7/config/loader.h"
#include "relay7/process/pid_file.h"
#include "relay7/process/reload_status.h"

namespace relay7 {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr milliseconds kPollInterval{20};
// A reload can take the master's start timeout (10s) plus the config load.
constexpr milliseconds kReloadWait{30000};
constexpr milliseconds kStopWait{15000};
constexpr milliseconds kQuitExtraWait{15000};

struct Target {
  std::string pid_file;
  std::optional<Config> config;  // when the file passed -t
};

// quit, stop and reopen must work even when the file on disk has since been broken: then the
// pid_file is taken from the JSON if it can be read at all, else the default.
std::string lenient_pid_file(const std::string& config_path) {
  std::ifstream in(config_path);
  const nlohmann::json document = nlohmann::json::parse(in, nullptr, false);
  if (document.is_object() && document.contains("pid_file") && document["pid_file"].is_string()) {
    return document["pid_file"].get<std::string>();
  }
  return Config{}.pid_file;
}

void print_errors(const std::vector<std::string>& errors) {
  for (const std::string& line : errors) {
    std::fprintf(stderr, "relay7: %s\n", line.c_str());
  }
}

std::optional<pid_t> find_master(const std::string& pid_file) {
  const std::optional<pid_t> pid = read_pid_file(pid_file);
  if (!pid || !is_live_master(*pid)) {
    std::fprintf(stderr, "relay7: no running master process (pid file \"%s\" %s)\n",
                 pid_file.c_str(), pid ? "names no live master" : "is missing or empty");
    return std::nullopt;
  }
  return pid;
}

bool wait_until(const std::function<bool()>& done, milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return true;
}

int reload(pid_t master, const std::string& pid_file) {
  const std::string status_path = reload_status_path(pid_file);
  const std::optional<ReloadStatus> before = read_reload_status(status_path);
  const uint64_t reloads_before = before && before->master_pid == master ? before->reloads : 0;
  if (::kill(master, SIGHUP) != 0) {
    std::perror("relay7: cannot signal the master process");
    return kExitFailure;
  }
  std::optional<ReloadStatus> after;
  bool master_gone = false;
  const bool answered = wait_until(
      [&] {
        after = read_reload_status(status_path);
        master_gone = !is_live_master(master);
        return master_gone ||
               (after && after->master_pid == master && after->reloads > reloads_before);
      },
      kReloadWait);
  if (master_gone) {
    std::fprintf(stderr, "relay7: master process %d exited during the reload\n", master);
    return kExitFailure;
  }
  if (!answered) {
    std::fprintf(stderr,
                 "relay7: master process %d did not report the reload's outcome within %llds\n",
                 master, static_cast<long long>(kReloadWait.count() / 1000));
    return kExitFailure;
  }
  if (!after->ok) {
    std::fprintf(stderr, "relay7: reload failed; generation %llu keeps serving:\n%s\n",
                 static_cast<unsigned long long>(after->generation), after->error.c_str());
    return kExitFailure;
  }
  std::printf("relay7: reload succeeded: generation %llu is serving\n",
              static_cast<unsigned long long>(after->generation));
  return kExitOk;
}

int shut_down(pid_t master, int signal_number, milliseconds limit) {
  if (::kill(master, signal_number) != 0) {
    std::perror("relay7: cannot signal the master process");
    return kExitFailure;
  }
  if (!wait_until([master] { return !is_live_master(master); }, limit)) {
    std::fprintf(stderr, "relay7: master process %d still running after %llds\n", master,
                 static_cast<long long>(limit.count() / 1000));
    return kExitFailure;
  }
  std::printf("relay7: master process %d has exited\n", master);
  return kExitOk;
}

}  // namespace

int run_signal_command(const std::string& name, const std::string& config_path) {
  ConfigLoadResult loaded = load_config_file(config_path);
  if (name == "reload" && !loaded.ok()) {
    print_errors(loaded.errors);
    std::fprintf(stderr,
                 "relay7: configuration file %s test failed; the running master was not asked "
                 "to reload\n",
                 config_path.c_str());
    return kExitFailure;
  }
  const std::string pid_file =
      loaded.ok() ? loaded.config->pid_file : lenient_pid_file(config_path);
  const std::optional<pid_t> master = find_master(pid_file);
  if (!master) {
    return kExitFailure;
  }
  if (name == "reload") {
    return reload(*master, pid_file);
  }
  if (name == "quit") {
    const milliseconds drain =
        loaded.ok() ? loaded.config->shutdown_timeout : Config{}.shutdown_timeout;
    return shut_down(*master, SIGQUIT, drain + kQuitExtraWait);
  }
  if (name == "stop") {
    return shut_down(*master, SIGTERM, kStopWait);
  }
  if (::kill(*master, SIGUSR1) != 0) {
    std::perror("relay7: cannot signal the master process");
    return kExitFailure;
  }
  std::printf("relay7: master process %d asked to reopen its log files\n", *master);
  return kExitOk;
}

}  // namespace relay7
