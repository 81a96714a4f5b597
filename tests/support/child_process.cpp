#include "child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "relay7/net/unique_fd.h"

extern char** environ;

namespace relay7::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Everything the child needs, prepared before fork() so the child only makes
// async-signal-safe calls.
struct LaunchPlan {
  std::vector<std::string> env_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
  UniqueFd stdin_fd;
  UniqueFd stdout_fd;
  UniqueFd stderr_fd;
  pid_t parent = 0;
};

std::vector<std::string> merged_environment(
    const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text = *entry;
    const std::string_view name = text.substr(0, text.find('='));
    bool overridden = false;
    for (const auto& [key, value] : overrides)
      overridden = overridden || key == name;
    if (!overridden)
      env.emplace_back(text);
  }
  for (const auto& [key, value] : overrides)
    env.push_back(key + "=" + value);
  return env;
}

UniqueFd open_or_throw(const std::filesystem::path& path, int flags) {
  UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC, 0644));
  if (!fd.valid())
    throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
  return fd;
}

[[noreturn]] void run_child(const LaunchPlan& plan, int error_pipe) {
  // Die with the test process rather than linger as an orphan server.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != plan.parent)
    _exit(127);
  if (plan.stdin_fd.valid())
    dup2(plan.stdin_fd.get(), STDIN_FILENO);
  if (plan.stdout_fd.valid())
    dup2(plan.stdout_fd.get(), STDOUT_FILENO);
  if (plan.stderr_fd.valid())
    dup2(plan.stderr_fd.get(), STDERR_FILENO);
  execve(plan.argv[0], plan.argv.data(), plan.envp.data());
  const int error = errno;
  ssize_t ignored = write(error_pipe, &error, sizeof error);
  (void)ignored;
  _exit(127);
}

}  // namespace

ChildProcess::ChildProcess(std::vector<std::string> argv, ChildOptions options)
    : argv_(std::move(argv)) {
  if (argv_.empty())
    throw std::invalid_argument("ChildProcess needs a program");
  start(options);
}

void ChildProcess::start(const ChildOptions& options) {
  LaunchPlan plan;
  plan.env_storage = merged_environment(options.env);
  for (std::string& arg : argv_)
    plan.argv.push_back(arg.data());
  plan.argv.push_back(nullptr);
  for (std::string& entry : plan.env_storage)
    plan.envp.push_back(entry.data());
  plan.envp.push_back(nullptr);
  plan.stdin_fd = open_or_throw("/dev/null", O_RDONLY);
  if (options.capture_output) {
    std::filesystem::path dir = options.output_dir;
    if (dir.empty()) {
      own_dir_ = std::make_unique<TempDir>("relay7-child");
      dir = own_dir_->path();
    }
    const std::string stem = std::filesystem::path(argv_[0]).filename().string();
    stdout_path_ = dir / (stem + "." + std::to_string(getpid()) + "." +
                          std::to_string(Clock::now().time_since_epoch().count()) + ".stdout");
    stderr_path_ = stdout_path_;
    stderr_path_.replace_extension(".stderr");
    plan.stdout_fd = open_or_throw(stdout_path_, O_WRONLY | O_CREAT | O_TRUNC);
    plan.stderr_fd = open_or_throw(stderr_path_, O_WRONLY | O_CREAT | O_TRUNC);
  }
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe2 failed");
  UniqueFd error_read(pipe_fds[0]);
  UniqueFd error_write(pipe_fds[1]);
  plan.parent = getpid();
  pid_ = fork();
  if (pid_ < 0)
    throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid_ == 0)
    run_child(plan, error_write.get());
  error_write.reset();
  // The pipe closes on a successful exec (O_CLOEXEC) or carries errno when exec failed.
  int exec_error = 0;
  ssize_t got;
  do {
    got = read(error_read.get(), &exec_error, sizeof exec_error);
  } while (got < 0 && errno == EINTR);
  if (got > 0) {
    try_reap(0);
    pid_ = -1;
    throw std::runtime_error("cannot execute " + argv_[0] + ": " + std::strerror(exec_error));
  }
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : argv_(std::move(other.argv_)),
      own_dir_(std::move(other.own_dir_)),
      stdout_path_(std::move(other.stdout_path_)),
      stderr_path_(std::move(other.stderr_path_)),
      pid_(std::exchange(other.pid_, -1)),
      status_(other.status_) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0)
      stop();
    argv_ = std::move(other.argv_);
    own_dir_ = std::move(other.own_dir_);
    stdout_path_ = std::move(other.stdout_path_);
    stderr_path_ = std::move(other.stderr_path_);
    pid_ = std::exchange(other.pid_, -1);
    status_ = other.status_;
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0)
    stop();
}

bool ChildProcess::try_reap(int flags) {
  if (status_)
    return true;
  if (pid_ <= 0)
    return false;
  int status = 0;
  pid_t result;
  do {
    result = waitpid(pid_, &status, flags);
  } while (result < 0 && errno == EINTR);
  if (result == pid_) {
    status_ = status;
    return true;
  }
  return false;
}

bool ChildProcess::running() {
  return pid_ > 0 && !try_reap(WNOHANG);
}

bool ChildProcess::send_signal(int signal_number) {
  return running() && kill(pid_, signal_number) == 0;
}

std::optional<int> ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  auto pause = std::chrono::microseconds(200);
  while (!try_reap(WNOHANG)) {
    if (pid_ <= 0 || Clock::now() >= deadline)
      return status_;
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(20));
  }
  return status_;
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0)
    return status_.value_or(0);
  if (!status_) {
    kill(pid_, SIGTERM);
    if (!wait_exit(grace)) {
      kill(pid_, SIGKILL);
      try_reap(0);
    }
  }
  return status_.value_or(0);
}

std::string ChildProcess::stdout_text() const {
  return read_file(stdout_path_);
}
std::string ChildProcess::stderr_text() const {
  return read_file(stderr_path_);
}

bool ChildProcess::wait_for_text(const std::filesystem::path& path, std::string_view needle,
                                 std::chrono::milliseconds timeout) {
  if (path.empty())
    return false;
  const auto deadline = Clock::now() + timeout;
  while (true) {
    if (read_file(path).find(needle) != std::string::npos)
      return true;
    // Check exit after reading, so text printed just before exiting still counts.
    if (!running() && read_file(path).find(needle) == std::string::npos)
      return false;
    if (Clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

bool ChildProcess::wait_for_stdout(std::string_view needle, std::chrono::milliseconds timeout) {
  return wait_for_text(stdout_path_, needle, timeout);
}

bool ChildProcess::wait_for_stderr(std::string_view needle, std::chrono::milliseconds timeout) {
  return wait_for_text(stderr_path_, needle, timeout);
}

std::string describe_wait_status(int status) {
  if (WIFEXITED(status))
    return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return "killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  }
  return "wait status " + std::to_string(status);
}

}  // namespace relay7::testing
