#include "relay7/process/worker_process.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "relay7/log/access_log.h"
#include "relay7/process/process_title.h"
#include "relay7/process/worker.h"
#include "relay7/process/worker_reports.h"

namespace relay7 {
namespace {

int fail_start(int reports_fd, const std::string& error) {
  spdlog::error("worker cannot start: {}", error);
  send_worker_report(reports_fd, WorkerReportKind::failed, error);
  return 1;
}

// A worker must not outlive its master: the sockets and the reload logic are the master's.
// SIGQUIT rather than SIGKILL, so connections in flight still finish.
bool follow_master(pid_t master) {
  ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
  return ::getppid() == master;
}

int serve(const WorkerLaunch& launch, int ready_fd) {
  std::string error;
  std::shared_ptr<AccessLog> access_log = AccessLog::open(launch.config->access_log, error);
  if (!access_log) {
    return fail_start(ready_fd, error);
  }
  // Log files are opened first, while still privileged; the sockets were inherited already.
  for (const std::string* path :
       {&launch.config->access_log.path, &launch.config->error_log.path}) {
    if (!hand_over_log_file(*path, launch.credentials, error)) {
      return fail_start(ready_fd, error);
    }
  }
  if (!drop_privileges(launch.credentials, error)) {
    return fail_start(ready_fd, error);
  }
  Worker worker(launch.config, std::move(access_log), launch.sockets, launch.shared,
                launch.metrics);
  // The master counts a reload as done only once every old worker has stopped accepting, so
  // that no connection made after that lands on the old table.
  worker.on_drain_started([ready_fd] { send_worker_report(ready_fd, WorkerReportKind::draining); });
  // A worker that dies after it served is replaced at once (see RespawnBackoff).
  worker.on_first_connection(
      [ready_fd] { send_worker_report(ready_fd, WorkerReportKind::serving); });
  send_worker_report(ready_fd, WorkerReportKind::ready);
  // Signals that came during start-up were held back; the worker's own handlers take them now.
  launch.master_signals->unblock();
  return worker.run();
}

[[noreturn]] void run_child(const WorkerLaunch& launch, pid_t master, int ready_fd) {
  for (int fd : launch.foreign_fds) {
    ::close(fd);
  }
  int status = 1;
  if (follow_master(master)) {
    launch.master_signals->reset_in_child();
    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGHUP, SIG_IGN);  // reloads are the master's; a stray HUP must not kill workers
    ProcessTitle::set("relay7: worker process");
    try {
      status = serve(launch, ready_fd);
    } catch (const std::exception& e) {
      status = fail_start(ready_fd, e.what());
    }
  }
  spdlog::shutdown();
  // _exit, not exit: the master's objects on this stack (pid file, other workers) are not ours to
  // destroy.
  ::_exit(status);
}

}  // namespace

std::optional<SpawnedWorker> spawn_worker(const WorkerLaunch& launch, std::string& error) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    error = std::string("cannot create a pipe: ") + std::strerror(errno);
    return std::nullopt;
  }
  UniqueFd read_end(fds[0]);
  UniqueFd write_end(fds[1]);
  const pid_t master = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    error = std::string("cannot fork a worker: ") + std::strerror(errno);
    return std::nullopt;
  }
  if (pid == 0) {
    read_end.reset();
    run_child(launch, master, write_end.release());
  }
  ::fcntl(read_end.get(), F_SETFL, O_NONBLOCK);
  return SpawnedWorker{pid, std::move(read_end)};
}

}  // namespace relay7
