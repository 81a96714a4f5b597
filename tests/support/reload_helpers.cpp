#include "reload_helpers.h"

#include <filesystem>
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

HttpConnection open_echo_tunnel(uint16_t port) {
  HttpConnection tunnel;
  if (!tunnel.connect(port)) {
    return tunnel;
  }
  tunnel.set_timeout(std::chrono::seconds(5));
  const std::string request =
      "GET /tunnel HTTP/1.1\r\nHost: ws.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n";
  const auto response = tunnel.send_raw(request) ? tunnel.read_response() : std::nullopt;
  if (!response || response->status != 101) {
    tunnel.close();
  }
  return tunnel;
}

bool tunnel_echoes(HttpConnection& tunnel, const std::string& message) {
  return tunnel.connected() && tunnel.send_raw(message) &&
         tunnel.read_exactly(message.size()) == message;
}

size_t open_descriptor_count(pid_t pid) {
  std::error_code error;
  size_t count = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    ++count;
  }
  return count;
}

bool wait_for_worker_count(const Relay7Process& relay, size_t count,
                           std::chrono::milliseconds timeout) {
  return eventually([&] { return relay.descendant_pids().size() == count; }, timeout);
}

bool wait_until_serving(const Relay7Process& relay, size_t workers,
                        std::chrono::milliseconds timeout) {
  return wait_for_reloads(relay, 0, timeout) && wait_for_worker_count(relay, workers, timeout);
}

}  // namespace relay7::testing
