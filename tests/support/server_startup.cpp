#include "server_startup.h"

#include <stdexcept>

#include "ports.h"
#include "tcp_sockets.h"

namespace relay7::testing {

bool start_on_free_port(int attempts, const std::function<bool(uint16_t port)>& start) {
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (start(free_port())) {
      return true;
    }
  }
  return false;
}

bool wait_until_listening(ChildProcess& process, uint16_t port, const StartupWatch& watch,
                          std::chrono::milliseconds timeout) {
  constexpr std::chrono::milliseconds kProbeInterval{50};
  const std::string what(watch.what);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    // Its own socket: not another process that happens to listen on the port.
    if (wait_for_port(port, kProbeInterval) && process_listens_on(process.pid(), port)) {
      return true;
    }
    if (!process.running()) {
      if (watch.log().find(watch.port_taken_text) != std::string::npos) {
        return false;
      }
      throw std::runtime_error(what + " exited during startup (" +
                               describe_wait_status(process.exit_status().value_or(0)) +
                               "); log:\n" + watch.log() + "\nconfig:\n" + watch.config);
    }
  }
  process.stop();
  throw std::runtime_error(what + " did not accept connections on port " + std::to_string(port) +
                           " in time; log:\n" + watch.log());
}

}  // namespace relay7::testing
