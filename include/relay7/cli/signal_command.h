#pragma once

#include <string>

namespace relay7 {

// `relay7 -s NAME`: finds the master through the config's pid_file, signals it and waits for the
// outcome, so scripts and systemd learn whether it worked:
//   reload  exits 0 once the new generation serves, 1 with the master's error when it rejected
//           the config (a config that fails `-t` is reported without signalling the master);
//   quit    graceful shutdown, exits 0 once the master has exited;
//   stop    fast shutdown, likewise;
//   reopen  asks the master to reopen its log files.
// Returns the process exit status.
int run_signal_command(const std::string& name, const std::string& config_path);

}  // namespace relay7
