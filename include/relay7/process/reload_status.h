#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

namespace relay7 {

// What the master last did with its configuration, kept in a file beside the pid file so that
// `relay7 -s reload` can wait for the outcome of its own request and report it.
struct ReloadStatus {
  pid_t master_pid = 0;
  uint64_t reloads = 0;     // reload requests handled since the master started
  uint64_t generation = 0;  // the generation serving now
  bool ok = true;           // whether the last attempt succeeded
  std::string error;        // why it failed, one line per error
  std::string time;         // when it finished, ISO 8601 UTC
};

// "/run/relay7.pid" -> "/run/relay7.status"; any other name gets ".status" appended.
std::string reload_status_path(const std::string& pid_file);

bool write_reload_status(const std::string& path, const ReloadStatus& status, std::string& error);
std::optional<ReloadStatus> read_reload_status(const std::string& path);

// The current time as "2026-11-25T10:00:00Z".
std::string utc_timestamp();

}  // namespace relay7
