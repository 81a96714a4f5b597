#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "child_process.h"

namespace relay7::testing {

// Calls `start` with a port that was free a moment ago until it returns true (the server is up
// on it), at most `attempts` times: another process may take a free port first. False when no
// attempt worked.
bool start_on_free_port(int attempts, const std::function<bool(uint16_t port)>& start);

// What a server a test started (nginx, HAProxy) told about its startup on `port`.
struct StartupWatch {
  std::string_view what;             // "nginx", for messages
  std::string_view port_taken_text;  // in its log when the port was taken
  std::function<std::string()> log;  // what it wrote so far
  std::string config;                // for the message when it fails
};

// Polls until `process` listens on `port`: true. False when it exits having logged that the port
// was taken (try another). Throws std::runtime_error with its log when it exits for another
// reason, or does not listen within `timeout` (it is stopped then).
bool wait_until_listening(ChildProcess& process, uint16_t port, const StartupWatch& watch,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace relay7::testing
