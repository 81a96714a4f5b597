#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "relay7/config/config.h"

namespace relay7 {

// The user and group workers run as, looked up once in the master (so a misspelt user fails the
// config test or the reload, not a worker) and applied in each worker after it has inherited the
// listening sockets.
struct Credentials {
  std::string user;  // empty: "user" is not configured; workers keep the master's identity
  uid_t uid = 0;
  gid_t gid = 0;
};

// nullopt with `error` set when the configured user or group does not exist.
std::optional<Credentials> resolve_credentials(const Config& config, std::string& error);

// Gives a log file the master opened as root to the workers' user, so that they can reopen it
// after logrotate (SIGUSR1). A no-op for "stderr"/"stdout"/"off", when not root, or when no
// user is set.
bool hand_over_log_file(const std::string& path, const Credentials& credentials,
                        std::string& error);

// Switches to `credentials` when running as root; a no-op otherwise or when none are set.
bool drop_privileges(const Credentials& credentials, std::string& error);

}  // namespace relay7
