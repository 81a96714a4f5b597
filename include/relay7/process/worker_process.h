#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/metrics/metrics_recorder.h"
#include "relay7/net/unique_fd.h"
#include "relay7/process/accept_socket.h"
#include "relay7/process/credentials.h"
#include "relay7/process/signal_waiter.h"
#include "relay7/upstream/shared_state.h"

namespace relay7 {

// Everything a forked worker needs from its master.
struct WorkerLaunch {
  std::shared_ptr<const Config> config;
  std::vector<AcceptSocket> sockets;
  Credentials credentials;
  // The master's descriptors that are not this worker's business (listeners of other
  // generations, other workers' ready pipes): a worker holding a dropped listener open would keep
  // it alive after the master closed it.
  std::vector<int> foreign_fds;
  const SignalWaiter* master_signals = nullptr;
  SharedStateHandle shared;
  MetricsHandle metrics;
};

struct SpawnedWorker {
  pid_t pid = -1;
  // The read end of the worker's reports (see worker_reports.h); end of file means it is gone.
  UniqueFd reports;
};

// Forks a worker process. Returns in the master only; the child serves and then _exits.
std::optional<SpawnedWorker> spawn_worker(const WorkerLaunch& launch, std::string& error);

}  // namespace relay7
