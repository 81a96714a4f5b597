#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "http_connection.h"
#include "relay7/process/reload_status.h"
#include "relay7_process.h"

namespace relay7::testing {

// The master's reload status file for `relay` (beside its pid file).
std::string status_file_of(const Relay7Process& relay);

// Polls the status file until the master has handled `reloads` reload requests; nullopt on
// timeout.
std::optional<ReloadStatus> wait_for_reloads(const Relay7Process& relay, uint64_t reloads,
                                             std::chrono::milliseconds timeout);

// Polls until relay7 has exactly `count` worker processes (the master's children); false on
// timeout.
bool wait_for_worker_count(const Relay7Process& relay, size_t count,
                           std::chrono::milliseconds timeout);

// Polls until relay7's first generation serves (see wait_for_reloads) and relay7 has exactly
// `workers` worker processes; false on timeout.
bool wait_until_serving(const Relay7Process& relay, size_t workers,
                        std::chrono::milliseconds timeout);

// A connection through relay7 upgraded to a tunnel to the demo backend, which echoes bytes.
// Returns a disconnected HttpConnection (last_error set) when the upgrade fails.
HttpConnection open_echo_tunnel(uint16_t port);

// Whether `tunnel` still echoes `message` through relay7.
bool tunnel_echoes(HttpConnection& tunnel, const std::string& message);

// Number of open descriptors of `pid` (/proc/PID/fd).
size_t open_descriptor_count(pid_t pid);

// Polls until `predicate` holds; false on timeout.
bool eventually(const std::function<bool()>& predicate, std::chrono::milliseconds timeout);

}  // namespace relay7::testing
