#include "reload_helpers.h"

#include <thread>

namespace relay7::testing {

std::string status_file_of(const Relay7Process& relay) {
  return reload_status_path(relay.config()["pid_file"].get<std::string>());
}

bool eventually(const std::function<bool()>& predicate, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

std::optional<ReloadStatus> wait_for_reloads(const Relay7Process& relay, uint64_t reloads,
                                             std::chrono::milliseconds timeout) {
  std::optional<ReloadStatus> status;
  const std::string path = status_file_of(relay);
  const bool done = eventually(
      [&] {
        status = read_reload_status(path);
        return status && status->reloads >= reloads;
      },
      timeout);
  return done ? status : std::nullopt;
}

bool wait_for_worker_count(const Relay7Process& relay, size_t count,
                           std::chrono::milliseconds timeout) {
  return eventually([&] { return relay.descendant_pids().size() == count; }, timeout);
}

}  // namespace relay7::testing
