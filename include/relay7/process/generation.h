#pragma once

#include <poll.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/metrics/metric_slots.h"
#include "relay7/process/credentials.h"
#include "relay7/process/generation_sockets.h"
#include "relay7/process/respawn_backoff.h"
#include "relay7/process/worker_reports.h"
#include "relay7/upstream/shared_state.h"

namespace relay7 {

using ProcessClock = std::chrono::steady_clock;

// starting -> serving -> draining, or starting -> draining when it fails; terminating when it
// is cut off (too many draining at once).
enum class GenerationState { starting, serving, draining, terminating };

// One worker process of a generation, or the place of one waiting to be respawned.
struct WorkerSlot {
  pid_t pid = -1;  // -1: not running (waiting to be respawned, or gone)
  WorkerReportReader reports;
  bool ready_reported = false;
  bool served_reported = false;  // accepted a connection: replaced at once if it dies
  bool drain_reported = false;
  ProcessClock::time_point started;
  std::optional<ProcessClock::time_point> respawn_at;
  RespawnBackoff backoff;
  int ledger_column = -1;  // see SharedStateRegistry::acquire_column

  bool running() const { return pid > 0; }
  // A new process took the slot: what the last one reported no longer holds.
  void started_process(pid_t new_pid, UniqueFd report_pipe, ProcessClock::time_point now);
};

// The worker processes started from one config, with everything they were given (sockets,
// credentials, shared-state slots), and where they are in their life. The master holds one
// serving generation, at most one starting next to it, and the draining ones that it replaced.
struct Generation {
  uint64_t number = 0;
  std::shared_ptr<const Config> config;
  Credentials credentials;
  GenerationSockets sockets;
  std::vector<WorkerSlot> slots;
  SlotMap server_slots;  // each upstream server's slot in the shared state
  std::shared_ptr<const MetricSlots> metric_slots;  // where its workers count
  GenerationState state = GenerationState::starting;
  ProcessClock::time_point deadline;  // starting: ready by then; draining/terminating: killed then
  std::string failure;                // why a starting generation failed (the first reason)

  size_t index_of(const WorkerSlot& slot) const {
    return static_cast<size_t>(&slot - slots.data());
  }
  // Records why a starting generation failed; a later reason does not replace the first.
  void fail(const std::string& why);
  // Takes in one report of `slot`'s worker.
  void record(WorkerSlot& slot, const WorkerReport& report);
  // `slot`'s report pipe ended: a worker that never said ready fails a starting generation.
  void report_pipe_closed(WorkerSlot& slot);
  // Stops serving: `state` (draining or terminating) until `deadline`, when the master kills
  // what is left.
  void end(GenerationState ending, ProcessClock::time_point until);
  bool ending() const {
    return state == GenerationState::draining || state == GenerationState::terminating;
  }

  bool all_ready() const;
  bool has_running_workers() const;
  // Every worker still running has confirmed that it stopped accepting.
  bool all_stopped_accepting() const;
  // The slots whose worker runs and accepts (or will, once told).
  std::vector<size_t> accepting_slots() const;
  WorkerSlot* slot_with_pid(pid_t pid);
  WorkerSlot* slot_reading(int fd);
  // The report pipes still open: to poll, or to close in a new worker.
  void append_report_fds(std::vector<pollfd>& fds) const;
  void append_report_descriptors(std::vector<int>& fds) const;
  void signal(int signal_number) const;
};

}  // namespace relay7
