#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace relay7::testing {

// One answered request, as the load client saw it.
struct LoadSample {
  std::chrono::steady_clock::time_point connected;  // when its TCP connection was opened
  std::chrono::steady_clock::time_point sent;
  std::chrono::steady_clock::time_point answered;  // when its response was complete
  size_t connection = 0;                           // which client thread
  uint64_t connection_serial = 0;                  // which TCP connection of that thread
  int status = 0;
  std::string server;  // the demo backend's "server" field
  bool connection_close = false;
};

struct LoadResult {
  uint64_t requests = 0;  // answered with a complete response
  uint64_t failures = 0;  // connect errors, resets, timeouts, truncated or malformed responses
  std::vector<std::string> failure_messages;  // the first few, for assertion messages
  std::vector<LoadSample> samples;
};

// Keeps `connections` clients busy sending GET `path` to 127.0.0.1:port (plain or TLS), each on its
// own keep-alive connection (or a new connection per request), until stop(). Every failure is
// counted; a `Connection: close` from the server is obeyed, not counted. Bounded: each client
// also stops after `max_duration`.
class LoadClient {
 public:
  struct Options {
    size_t connections = 50;
    bool keep_alive = true;
    std::string path = "/";
    std::chrono::milliseconds max_duration{60000};
    bool tls = false;  // speak TLS (no certificate check), every handshake a full one
  };

  LoadClient(uint16_t port, Options options);
  ~LoadClient();
  LoadClient(const LoadClient&) = delete;
  LoadClient& operator=(const LoadClient&) = delete;

  // Total answered requests so far (to wait for traffic to flow).
  uint64_t answered() const { return answered_.load(); }
  LoadResult stop();

 private:
  void run_client(size_t index);
  void record_failure(const std::string& message);

  uint16_t port_;
  Options options_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> answered_{0};
  std::mutex mutex_;
  LoadResult result_;
  std::vector<std::thread> threads_;
};

}  // namespace relay7::testing
