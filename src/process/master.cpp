#include "relay7/process/master.h"

#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>

#include "relay7/config/loader.h"
#include "relay7/log/error_log.h"
#include "relay7/process/process_title.h"
#include "relay7/process/worker_process.h"
#include "relay7/routing/route_table.h"
#include "relay7/tls/server_context.h"

namespace relay7 {
namespace {

unsigned worker_count(const Config& config) {
  if (config.workers > 0) {
    return config.workers;
  }
  const long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  return cpus > 0 ? static_cast<unsigned>(cpus) : 1;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string joined;
  for (const std::string& line : lines) {
    if (!joined.empty()) {
      joined += '\n';
    }
    joined += line;
  }
  return joined;
}

bool same_error_log(const ErrorLogConfig& a, const ErrorLogConfig& b) {
  return a.path == b.path && a.level == b.level;
}

std::chrono::milliseconds until(Master::Clock::time_point now, Master::Clock::time_point when) {
  return std::max(std::chrono::milliseconds(0),
                  std::chrono::ceil<std::chrono::milliseconds>(when - now));
}

std::optional<std::chrono::milliseconds> sooner(std::optional<std::chrono::milliseconds> a,
                                                std::optional<std::chrono::milliseconds> b) {
  if (!a || !b) {
    return a ? a : b;
  }
  return std::min(*a, *b);
}

}  // namespace

std::string describe_exit(int wait_status) {
  if (WIFEXITED(wait_status)) {
    return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
  }
  if (WIFSIGNALED(wait_status)) {
    const int signal_number = WTERMSIG(wait_status);
    std::string text = "killed by signal " + std::to_string(signal_number) + " (" +
                       ::strsignal(signal_number) + ")";
    if (WCOREDUMP(wait_status)) {
      text += ", core dumped";
    }
    return text;
  }
  return "stopped";
}

Master::Master(std::string config_path, std::shared_ptr<const Config> config)
    : config_path_(std::move(config_path)),
      config_(std::move(config)),
      signals_({SIGHUP, SIGQUIT, SIGTERM, SIGINT, SIGUSR1, SIGCHLD}) {}

Master::~Master() = default;

int Master::run() {
  std::string error;
  if (!configure_error_log(config_->error_log, error)) {
    spdlog::critical("{}", error);
    return 1;
  }
  pid_file_ = PidFile::claim(config_->pid_file, error);
  if (!pid_file_) {
    spdlog::critical("{}", error);
    return 1;
  }
  status_path_ = reload_status_path(config_->pid_file);
  std::error_code ignored;
  const auto absolute = std::filesystem::absolute(config_path_, ignored);
  ProcessTitle::set("relay7: master process " +
                    (absolute.empty() ? config_path_ : absolute.string()));
  if (!start()) {
    return 1;
  }
  while (phase_ == Phase::running || has_children()) {
    loop_once();
  }
  ::unlink(status_path_.c_str());
  spdlog::info("master process exiting");
  return exit_status_;
}

bool Master::start() {
  std::string error;
  // Sized once, from the first config: workers forked later share this mapping.
  shared_state_ = SharedStateRegistry::create(
      SharedServerTable::size_for(*config_, worker_count(*config_)), error);
  if (!shared_state_) {
    spdlog::critical("{}", error);
    return false;
  }
  metrics_ = MetricRegistry::create(shared_state_->table().column_count(),
                                    MetricRegistry::kDefaultSlots, error);
  if (!metrics_) {
    spdlog::critical("{}", error);
    return false;
  }
  names_ = std::make_unique<NameRefresher>(*shared_state_);
  resumption_ = SessionResumption::create(Clock::now(), error);
  if (!resumption_) {
    spdlog::critical("{}", error);
    return false;
  }
  std::unique_ptr<Generation> first = prepare_generation(config_, error);
  if (!first) {
    spdlog::critical("{}", error);
    return false;
  }
  generations_.push_back(std::move(first));
  spdlog::info("relay7 master started, generation 1 with {} worker(s)",
               generations_.back()->slots.size());
  return true;
}

void Master::loop_once() {
  std::vector<pollfd> fds;
  for (const auto& generation : generations_) {
    generation->append_report_fds(fds);
  }
  names_->add_poll_fds(fds);
  const auto before = Clock::now();
  signals_.wait(fds, sooner(time_to_next_deadline(before), names_->time_to_next(before)));
  for (int signal_number : signals_.take_pending()) {
    handle_signal(signal_number);
  }
  read_reports(fds);
  names_->run(fds, Clock::now());
  const auto now = Clock::now();
  reap_children(now);
  settle_starting_generation(now);
  settle_switch(now);
  enforce_deadlines(now);
  respawn_due_workers(now);
  rotate_ticket_keys(now);
  drop_finished_generations();
  if (reload_pending_ && phase_ == Phase::running && !reload_in_progress()) {
    reload_pending_ = false;
    reload();
  }
}

std::optional<std::chrono::milliseconds> Master::time_to_next_deadline(
    Clock::time_point now) const {
  std::optional<Clock::time_point> next = shutdown_deadline_;
  const auto consider = [&next](Clock::time_point when) {
    if (!next || when < *next) {
      next = when;
    }
  };
  if (pending_switch_) {
    consider(pending_switch_->give_up_at);
  }
  if (resumption_) {
    consider(resumption_->tickets().next_rotation());
  }
  for (const auto& generation : generations_) {
    if (generation->state != GenerationState::serving) {
      consider(generation->deadline);
    }
    for (const WorkerSlot& slot : generation->slots) {
      if (slot.respawn_at) {
        consider(*slot.respawn_at);
      }
    }
  }
  if (!next) {
    return std::nullopt;
  }
  return until(now, *next);
}

void Master::handle_signal(int signal_number) {
  switch (signal_number) {
    case SIGHUP:
      if (phase_ != Phase::running) {
        return;
      }
      // One reload at a time: a HUP during a reload runs after it, with the file as it is then.
      if (reload_in_progress()) {
        reload_pending_ = true;
      } else {
        reload();
      }
      return;
    case SIGQUIT:
      begin_shutdown(Phase::quitting, SIGQUIT);
      return;
    case SIGTERM:
    case SIGINT:
      begin_shutdown(Phase::terminating, SIGTERM);
      return;
    case SIGUSR1:
      reopen_logs();
      return;
    default:
      return;  // SIGCHLD: children are reaped on every turn of the loop
  }
}

void Master::reload() {
  ++reloads_;
  spdlog::info("reloading configuration \"{}\"", config_path_);
  ConfigLoadResult loaded = load_config_file(config_path_);
  for (const std::string& line : loaded.warnings) {
    spdlog::warn("{}", line);
  }
  if (!loaded.ok()) {
    record_reload(false, join_lines(loaded.errors));
    return;
  }
  auto config = std::make_shared<const Config>(std::move(*loaded.config));
  if (config->pid_file != config_->pid_file) {
    spdlog::warn("pid_file changed to \"{}\": the new path takes effect at the next restart",
                 config->pid_file);
  }
  std::string error;
  std::unique_ptr<Generation> generation = prepare_generation(std::move(config), error);
  if (!generation) {
    release_unused_server_slots();  // slots the failed config may have been given
    record_reload(false, config_path_ + ": " + error);
    return;
  }
  generations_.push_back(std::move(generation));
}

void Master::rotate_ticket_keys(Clock::time_point now) {
  TicketKeyring& tickets = resumption_->tickets();
  if (now < tickets.next_rotation()) {
    return;
  }
  if (tickets.rotate(now)) {
    spdlog::info("new TLS session ticket key; tickets of the last {} h still resume",
                 (TicketKeyring::kRotation + TicketKeyring::kDecryptAfterRetired).count());
  } else {
    spdlog::error("no random bytes for a new TLS session ticket key: the current key stays");
  }
}

std::unique_ptr<Generation> Master::prepare_generation(std::shared_ptr<const Config> config,
                                                       std::string& error) {
  auto generation = std::make_unique<Generation>();
  const auto credentials = resolve_credentials(*config, error);
  if (!credentials || !has_free_columns(*config, error)) {
    return nullptr;
  }
  const RouteTable routes(*config);
  const unsigned workers = worker_count(*config);
  auto sockets = listeners_.acquire(routes.listeners(), workers, error);
  if (!sockets) {
    return nullptr;
  }
  auto server_slots = shared_state_->assign(*config, error);
  if (!server_slots) {
    return nullptr;
  }
  if (!same_error_log(config->error_log, config_->error_log) &&
      !configure_error_log(config->error_log, error)) {
    return nullptr;
  }
  names_->configure(config->resolver);
  for (const ServerConfig& server : config->servers) {
    if (server.tls && server.tls->context) {
      resumption_->attach(server.tls->context->get());
    }
  }
  generation->number = ++last_generation_;
  generation->config = std::move(config);
  generation->credentials = *credentials;
  generation->sockets = std::move(*sockets);
  generation->server_slots = std::move(*server_slots);
  generation->metric_slots = metrics_->assign(*generation->config, routes);
  generation->state = GenerationState::starting;
  generation->deadline = Clock::now() + kStartTimeout;
  generation->slots.resize(workers);
  for (WorkerSlot& slot : generation->slots) {
    if (!spawn_into(*generation, slot)) {
      generation->fail("cannot start worker processes");
      break;
    }
  }
  return generation;
}

// Every worker counts its in-flight requests in a column of its own, so that the master can take
// them back if it crashes: a worker is never started without one.
bool Master::has_free_columns(const Config& config, std::string& error) const {
  const size_t needed = worker_count(config);
  const size_t free = shared_state_->free_columns();
  if (needed <= free) {
    return true;
  }
  error = "workers: the new generation needs " + std::to_string(needed) +
          " worker columns in the shared state, but only " + std::to_string(free) + " of " +
          std::to_string(shared_state_->table().column_count()) +
          " are free (sized when relay7 started, for 6 generations of its workers; draining "
          "generations keep theirs until they exit): reload again once they have exited, or "
          "restart relay7 to size it for this config";
  return false;
}

bool Master::spawn_into(Generation& generation, WorkerSlot& slot) {
  WorkerLaunch launch;
  launch.config = generation.config;
  launch.sockets = generation.sockets.for_worker(generation.index_of(slot));
  launch.credentials = generation.credentials;
  launch.foreign_fds = foreign_descriptors(generation, launch.sockets);
  launch.master_signals = &signals_;
  slot.ledger_column = shared_state_->acquire_column();
  if (slot.ledger_column < 0) {
    spdlog::error(
        "cannot start a worker process: all {} worker columns of the shared state are "
        "taken (generations still draining hold theirs)",
        shared_state_->table().column_count());
    return false;
  }
  // One worker per instance probes: the first of the newest generation.
  launch.shared = SharedStateHandle{&shared_state_->table(), generation.server_slots,
                                    slot.ledger_column, &slot == &generation.slots.front()};
  launch.metrics = MetricsHandle{&metrics_->table(), generation.metric_slots, slot.ledger_column};
  std::string error;
  std::optional<SpawnedWorker> spawned = spawn_worker(launch, error);
  if (!spawned) {
    spdlog::error("{}", error);
    shared_state_->release_column(std::exchange(slot.ledger_column, -1));
    return false;
  }
  slot.started_process(spawned->pid, std::move(spawned->reports), Clock::now());
  WorkerFacts& facts = metrics_->table().worker(static_cast<size_t>(slot.ledger_column));
  facts.pid.store(spawned->pid, std::memory_order_relaxed);
  facts.generation.store(generation.number, std::memory_order_relaxed);
  facts.started_unix_ms.store(unix_time_ms(), std::memory_order_relaxed);
  spdlog::info("started worker process {} (generation {})", slot.pid, generation.number);
  return true;
}

std::vector<int> Master::foreign_descriptors(const Generation& generation,
                                             const std::vector<AcceptSocket>& own) {
  // Every listening socket the master holds: each generation's, and those of the generation
  // being started (which is not in generations_ yet).
  std::vector<int> listening;
  generation.sockets.append_descriptors(listening);
  for (const auto& other : generations_) {
    other->sockets.append_descriptors(listening);
  }
  std::sort(listening.begin(), listening.end());
  listening.erase(std::unique(listening.begin(), listening.end()), listening.end());
  std::vector<int> foreign = names_->open_descriptors();
  for (int fd : listening) {
    if (std::none_of(own.begin(), own.end(),
                     [fd](const AcceptSocket& socket) { return socket.fd == fd; })) {
      foreign.push_back(fd);
    }
  }
  for (const auto& other : generations_) {
    other->append_report_descriptors(foreign);
  }
  generation.append_report_descriptors(foreign);
  return foreign;
}

void Master::read_reports(const std::vector<pollfd>& fds) {
  for (const pollfd& polled : fds) {
    if (polled.revents == 0) {
      continue;
    }
    for (const auto& generation : generations_) {
      if (WorkerSlot* slot = generation->slot_reading(polled.fd)) {
        read_report_pipe(*generation, *slot);
      }
    }
  }
}

// One read of `slot`'s reports; false once nothing more is to be read now.
bool Master::read_report_pipe(Generation& generation, WorkerSlot& slot) {
  std::vector<WorkerReport> reports;
  switch (slot.reports.read(reports)) {
    case WorkerReportReader::ReadStatus::nothing:
      return false;
    case WorkerReportReader::ReadStatus::closed:
      generation.report_pipe_closed(slot);
      return false;
    case WorkerReportReader::ReadStatus::read:
      for (const WorkerReport& report : reports) {
        handle_report(generation, slot, report);
      }
      return true;
  }
  return false;
}

void Master::handle_report(Generation& generation, WorkerSlot& slot, const WorkerReport& report) {
  generation.record(slot, report);
  // A replacement for a crashed worker joins a generation that already serves. (A report read
  // after its worker was reaped has no process to signal: its pid may be reused.)
  if (report.kind == WorkerReportKind::ready && slot.running() &&
      generation.state == GenerationState::serving && phase_ == Phase::running) {
    ::kill(slot.pid, SIGUSR2);
    steer_connections(generation);
  }
}

void Master::settle_starting_generation(Clock::time_point now) {
  Generation* generation = starting();
  if (generation == nullptr) {
    return;
  }
  if (now >= generation->deadline) {
    generation->fail("worker processes not ready within " + std::to_string(kStartTimeout.count()) +
                     "ms");
  }
  if (!generation->failure.empty()) {
    fail_starting(*generation);
    return;
  }
  if (generation->all_ready()) {
    promote(*generation);
  }
}

void Master::promote(Generation& generation) {
  std::string error;
  if (!generation.sockets.activate(error)) {
    generation.failure = error;
    fail_starting(generation);
    return;
  }
  const auto now = Clock::now();
  Generation* old = serving();
  // The new generation starts accepting before the old one stops, so the listeners are never
  // without an acceptor for longer than a signal takes.
  generation.state = GenerationState::serving;
  config_ = generation.config;
  metrics_->table().master().generation.store(generation.number, std::memory_order_relaxed);
  steer_connections(generation);
  generation.signal(SIGUSR2);
  spdlog::info("generation {} serving with {} worker(s)", generation.number,
               generation.slots.size());
  pending_switch_.reset();
  if (old != nullptr) {
    pending_switch_ = PendingSwitch{old->number, now + kDrainReportTimeout};
    old->end(GenerationState::draining, now + old->config->shutdown_timeout + kDrainGrace);
    old->signal(SIGQUIT);
    spdlog::info("generation {} draining", old->number);
  }
  bound_draining_generations(now);
  if (!pending_switch_) {
    record_reload(true, "");
  }
  if (phase_ != Phase::running) {
    generation.signal(phase_ == Phase::quitting ? SIGQUIT : SIGTERM);
  }
}

void Master::settle_switch(Clock::time_point now) {
  if (!pending_switch_) {
    return;
  }
  const Generation* old = find(pending_switch_->old_generation);
  const bool all_stopped = old == nullptr || old->all_stopped_accepting();
  if (!all_stopped && now < pending_switch_->give_up_at) {
    return;
  }
  if (!all_stopped) {
    spdlog::warn("generation {} did not confirm that it stopped accepting",
                 pending_switch_->old_generation);
  }
  pending_switch_.reset();
  record_reload(true, "");
}

void Master::fail_starting(Generation& generation) {
  // Workers that already reported ready may have accepted connections: let them finish.
  generation.end(GenerationState::draining,
                 Clock::now() + generation.config->shutdown_timeout + kDrainGrace);
  generation.sockets.discard_added();
  generation.signal(SIGQUIT);
  std::string error;
  if (config_ != generation.config && !configure_error_log(config_->error_log, error)) {
    spdlog::error("{}", error);
  }
  names_->configure(config_->resolver);
  if (serving() == nullptr) {
    // The first generation: nothing serves, so there is nothing to keep running.
    spdlog::critical("{}", generation.failure);
    begin_shutdown(Phase::terminating, SIGTERM);
    exit_status_ = 1;
    return;
  }
  record_reload(false, generation.failure);
}

void Master::record_reload(bool ok, const std::string& error) {
  const Generation* current = serving();
  if (ok) {
    if (reloads_ > 0) {
      spdlog::info("reload {} succeeded: generation {} serving", reloads_, current->number);
    }
  } else {
    spdlog::error("reload failed, generation {} keeps serving:", current ? current->number : 0);
    size_t start = 0;
    while (start <= error.size()) {
      const size_t end = std::min(error.find('\n', start), error.size());
      spdlog::error("{}", error.substr(start, end - start));
      start = end + 1;
    }
  }
  if (reloads_ > 0) {
    MasterFacts& facts = metrics_->table().master();
    (ok ? facts.reloads_ok : facts.reloads_failed).fetch_add(1, std::memory_order_relaxed);
    metrics_->table().publish_reload(ReloadFacts{ok, unix_time_ms(), error});
  }
  ReloadStatus status;
  status.master_pid = ::getpid();
  status.reloads = reloads_;
  status.generation = current ? current->number : 0;
  status.ok = ok;
  status.error = error;
  status.time = utc_timestamp();
  std::string write_error;
  if (!write_reload_status(status_path_, status, write_error)) {
    spdlog::warn("{}", write_error);
  }
}

void Master::begin_shutdown(Phase phase, int signal_number) {
  if (phase_ == Phase::terminating || phase_ == phase) {
    return;
  }
  phase_ = phase;
  reload_pending_ = false;
  Duration grace = kFastShutdownGrace;
  if (phase == Phase::quitting) {
    grace = kDrainGrace;
    for (const auto& generation : generations_) {
      grace = std::max(grace, generation->config->shutdown_timeout + kDrainGrace);
    }
  }
  shutdown_deadline_ = Clock::now() + grace;
  spdlog::info("{} shutdown", phase == Phase::quitting ? "graceful" : "fast");
  for (const auto& generation : generations_) {
    for (WorkerSlot& slot : generation->slots) {
      slot.respawn_at.reset();
    }
  }
  signal_all(signal_number);
}

void Master::reopen_logs() {
  std::string error;
  if (!configure_error_log(config_->error_log, error)) {
    spdlog::error("{}", error);
  }
  spdlog::info("log files reopened");
  signal_all(SIGUSR1);
}

void Master::reap_children(Clock::time_point now) {
  while (true) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) {
      return;
    }
    for (const auto& generation : generations_) {
      if (WorkerSlot* slot = generation->slot_with_pid(pid)) {
        on_worker_exit(*generation, *slot, status, now);
      }
    }
  }
}

void Master::on_worker_exit(Generation& generation, WorkerSlot& slot, int status,
                            Clock::time_point now) {
  const pid_t pid = std::exchange(slot.pid, -1);
  metrics_->release_column(static_cast<size_t>(slot.ledger_column));
  shared_state_->release_column(std::exchange(slot.ledger_column, -1));
  const std::string how = describe_exit(status);
  const bool expected = phase_ != Phase::running || generation.state != GenerationState::serving;
  if (expected) {
    spdlog::info("worker process {} (generation {}) {}", pid, generation.number, how);
    if (generation.state == GenerationState::starting && !slot.ready_reported) {
      generation.fail("worker process " + std::to_string(pid) + " " + how);
    }
    return;
  }
  // Whether it had served is in what it reported before it died.
  while (read_report_pipe(generation, slot)) {
  }
  const WorkerLife life{slot.served_reported,
                        std::chrono::duration_cast<std::chrono::milliseconds>(now - slot.started)};
  const auto delay = slot.backoff.next_delay(life);
  slot.respawn_at = now + delay;
  slot.reports.close();
  const char* stage = slot.served_reported  ? "; it had served connections"
                      : slot.ready_reported ? " before it served a connection"
                                            : " before it was ready";
  spdlog::error("worker process {} (generation {}) {}{}; replacing it {}", pid, generation.number,
                how, stage,
                delay.count() > 0 ? "in " + std::to_string(delay.count()) + "ms" : "at once");
  steer_connections(generation);
}

void Master::respawn_due_workers(Clock::time_point now) {
  Generation* generation = serving();
  if (generation == nullptr || phase_ != Phase::running) {
    return;
  }
  for (WorkerSlot& slot : generation->slots) {
    if (slot.respawn_at && *slot.respawn_at <= now && !spawn_into(*generation, slot)) {
      slot.respawn_at = now + slot.backoff.next_delay(WorkerLife{});
    }
  }
}

void Master::enforce_deadlines(Clock::time_point now) {
  for (const auto& generation : generations_) {
    if (generation->ending() && now >= generation->deadline) {
      spdlog::warn("generation {} did not finish in time: killing its workers", generation->number);
      generation->signal(SIGKILL);
      generation->deadline = now + kFastShutdownGrace;
    }
  }
  if (shutdown_deadline_ && now >= *shutdown_deadline_ && !killed_at_shutdown_) {
    spdlog::warn("workers still running at the end of the shutdown: killing them");
    killed_at_shutdown_ = true;
    signal_all(SIGKILL);
    shutdown_deadline_ = now + kFastShutdownGrace;
  }
}

void Master::bound_draining_generations(Clock::time_point now) {
  size_t draining = 0;
  for (auto it = generations_.rbegin(); it != generations_.rend(); ++it) {
    Generation& generation = **it;
    if (generation.state != GenerationState::draining) {
      continue;
    }
    if (++draining > kMaxDrainingGenerations) {
      spdlog::warn("too many generations draining: cutting generation {} off", generation.number);
      generation.end(GenerationState::terminating, now + kFastShutdownGrace);
      generation.signal(SIGTERM);
    }
  }
}

void Master::drop_finished_generations() {
  const size_t before = generations_.size();
  std::erase_if(generations_, [](const std::unique_ptr<Generation>& generation) {
    if (generation->state == GenerationState::serving ||
        generation->state == GenerationState::starting) {
      return false;
    }
    return !generation->has_running_workers();
  });
  if (phase_ != Phase::running) {
    std::erase_if(generations_, [](const std::unique_ptr<Generation>& generation) {
      return !generation->has_running_workers();
    });
  }
  if (generations_.size() != before) {
    release_unused_server_slots();
  }
}

// A server no generation uses any more starts afresh if a later config brings it back.
void Master::release_unused_server_slots() {
  std::vector<const SlotMap*> live;
  for (const auto& generation : generations_) {
    live.push_back(&generation->server_slots);
  }
  shared_state_->release_unused(live);
}

// New connections go to the sockets of the slots whose worker accepts, so that a slot waiting for
// its worker's replacement does not collect connections meanwhile.
void Master::steer_connections(Generation& generation) {
  if (generation.state != GenerationState::serving || phase_ != Phase::running) {
    return;
  }
  for (const std::string& error : generation.sockets.steer(generation.accepting_slots())) {
    spdlog::warn("{}; the kernel spreads new connections over all of the address's sockets", error);
  }
}

void Master::signal_all(int signal_number) {
  for (const auto& generation : generations_) {
    generation->signal(signal_number);
  }
}

bool Master::has_children() const {
  return std::any_of(generations_.begin(), generations_.end(),
                     [](const auto& generation) { return generation->has_running_workers(); });
}

Generation* Master::serving() {
  for (const auto& generation : generations_) {
    if (generation->state == GenerationState::serving) {
      return generation.get();
    }
  }
  return nullptr;
}

Generation* Master::find(uint64_t number) {
  for (const auto& generation : generations_) {
    if (generation->number == number) {
      return generation.get();
    }
  }
  return nullptr;
}

bool Master::reload_in_progress() {
  return starting() != nullptr || pending_switch_.has_value();
}

Generation* Master::starting() {
  for (const auto& generation : generations_) {
    if (generation->state == GenerationState::starting) {
      return generation.get();
    }
  }
  return nullptr;
}

}  // namespace relay7
