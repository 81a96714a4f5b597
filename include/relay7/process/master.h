#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/metrics/metric_slots.h"
#include "relay7/net/unique_fd.h"
#include "relay7/process/generation.h"
#include "relay7/process/listener_set.h"
#include "relay7/process/pid_file.h"
#include "relay7/process/reload_status.h"
#include "relay7/process/signal_waiter.h"
#include "relay7/resolver/name_refresher.h"
#include "relay7/tls/session_resumption.h"
#include "relay7/upstream/shared_state.h"

namespace relay7 {

// The master process: owns the config, the listening sockets and the pid file, and keeps a
// generation of worker processes serving. It never serves traffic itself.
//
// Signals: HUP reloads, QUIT shuts down gracefully, TERM and INT shut down fast, USR1 reopens
// the log files.
//
// A reload builds a complete new generation next to the serving one and switches only when every
// new worker says it is ready; until then, and whenever anything about the new config fails, the
// serving generation is untouched. The replaced generation drains in the background.
class Master {
 public:
  using Clock = ProcessClock;

  // How long old workers have to confirm that they stopped accepting.
  static constexpr std::chrono::milliseconds kDrainReportTimeout{3000};
  // How long a new generation has to report ready before the reload counts as failed.
  static constexpr std::chrono::milliseconds kStartTimeout{10000};
  // Extra time a draining worker gets past shutdown_timeout (which it enforces itself) before
  // the master kills it.
  static constexpr std::chrono::milliseconds kDrainGrace{5000};
  // How long TERM/INT wait for workers before killing them.
  static constexpr std::chrono::milliseconds kFastShutdownGrace{3000};
  // Generations draining at once; a reload beyond that cuts the oldest off.
  static constexpr size_t kMaxDrainingGenerations = 4;

  Master(std::string config_path, std::shared_ptr<const Config> config);
  ~Master();
  Master(const Master&) = delete;
  Master& operator=(const Master&) = delete;

  // Starts the first generation and runs until shut down; returns the process exit status.
  int run();

 private:
  enum class Phase { running, quitting, terminating };

  bool start();
  void loop_once();
  bool has_free_columns(const Config& config, std::string& error) const;
  std::optional<std::chrono::milliseconds> time_to_next_deadline(Clock::time_point now) const;

  void handle_signal(int signal_number);
  void reload();
  void begin_shutdown(Phase phase, int signal_number);
  void reopen_logs();
  void rotate_ticket_keys(Clock::time_point now);

  std::unique_ptr<Generation> prepare_generation(std::shared_ptr<const Config> config,
                                                 std::string& error);
  bool spawn_into(Generation& generation, WorkerSlot& slot);
  std::vector<int> foreign_descriptors(const Generation& generation,
                                       const std::vector<AcceptSocket>& own);
  void steer_connections(Generation& generation);

  void read_reports(const std::vector<pollfd>& fds);
  bool read_report_pipe(Generation& generation, WorkerSlot& slot);
  void handle_report(Generation& generation, WorkerSlot& slot, const WorkerReport& report);
  void settle_starting_generation(Clock::time_point now);
  void settle_switch(Clock::time_point now);
  void promote(Generation& generation);
  void fail_starting(Generation& generation);
  void record_reload(bool ok, const std::string& error);

  void reap_children(Clock::time_point now);
  void on_worker_exit(Generation& generation, WorkerSlot& slot, int status, Clock::time_point now);
  void respawn_due_workers(Clock::time_point now);
  void enforce_deadlines(Clock::time_point now);
  void bound_draining_generations(Clock::time_point now);
  void drop_finished_generations();
  void release_unused_server_slots();

  void signal_all(int signal_number);
  bool has_children() const;
  Generation* serving();
  Generation* starting();
  Generation* find(uint64_t number);
  bool reload_in_progress();

  std::string config_path_;
  std::shared_ptr<const Config> config_;  // the serving generation's config
  SignalWaiter signals_;
  std::optional<PidFile> pid_file_;
  std::string status_path_;
  ListenerSet listeners_;
  // Upstream server state shared by every worker of every generation (health, in-flight counts,
  // the addresses of names).
  std::unique_ptr<SharedStateRegistry> shared_state_;
  // The counters every worker adds to, columns as shared_state_'s; and what the master publishes
  // there for /metrics and /status.
  std::unique_ptr<MetricRegistry> metrics_;
  // Resolves the names of the running configs again, into shared_state_.
  std::unique_ptr<NameRefresher> names_;
  // TLS ticket keys and session cache: made here once (the keys rotated here), shared with
  // every generation's workers, so sessions resume on any worker and across reloads.
  std::unique_ptr<SessionResumption> resumption_;
  std::vector<std::unique_ptr<Generation>> generations_;  // oldest first
  uint64_t last_generation_ = 0;
  uint64_t reloads_ = 0;
  bool reload_pending_ = false;
  // After a switch, the reload is reported done once the old generation has stopped accepting.
  struct PendingSwitch {
    uint64_t old_generation = 0;
    Clock::time_point give_up_at;
  };
  std::optional<PendingSwitch> pending_switch_;
  Phase phase_ = Phase::running;
  std::optional<Clock::time_point> shutdown_deadline_;
  bool killed_at_shutdown_ = false;
  int exit_status_ = 0;
};

// "exited with status 1", "killed by signal 9 (Killed)", ... for the error log.
std::string describe_exit(int wait_status);

}  // namespace relay7
