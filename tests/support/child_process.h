#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "temp_dir.h"

namespace relay7::testing {

struct ChildOptions {
  // true: stdout and stderr go to files readable through stdout_text()/stderr_text();
  // false: the child writes straight to the test's own stdout/stderr.
  bool capture_output = true;
  // Where the capture files go; empty means a private temporary directory.
  std::filesystem::path output_dir;
  // Added to (or replacing in) the test's environment.
  std::vector<std::pair<std::string, std::string>> env;
};

// A started program, always stopped and reaped by pid when this goes away. The child gets
// SIGKILL if the test process dies first, so a crashed test leaves no servers behind.
class ChildProcess {
 public:
  // argv[0] is the path of the executable. Throws std::runtime_error if it cannot be started
  // (including exec failures such as a missing binary).
  explicit ChildProcess(std::vector<std::string> argv, ChildOptions options = {});
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  const std::vector<std::string>& argv() const { return argv_; }

  // False once the child has exited (it is reaped then, and exit_status() is set).
  bool running();
  bool send_signal(int signal_number);
  // The raw wait status (use WIFEXITED/WEXITSTATUS/WTERMSIG) or nullopt if still running.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  // SIGTERM, up to `grace` to exit, then SIGKILL. Returns the raw wait status.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  std::optional<int> exit_status() const { return status_; }

  std::string stdout_text() const;
  std::string stderr_text() const;
  const std::filesystem::path& stdout_path() const { return stdout_path_; }
  const std::filesystem::path& stderr_path() const { return stderr_path_; }
  // Polls the captured output until it contains `needle`; false on timeout or if the child
  // exits without printing it.
  bool wait_for_stdout(std::string_view needle, std::chrono::milliseconds timeout);
  bool wait_for_stderr(std::string_view needle, std::chrono::milliseconds timeout);

 private:
  void start(const ChildOptions& options);
  bool try_reap(int flags);
  bool wait_for_text(const std::filesystem::path& path, std::string_view needle,
                     std::chrono::milliseconds timeout);

  std::vector<std::string> argv_;
  std::unique_ptr<TempDir> own_dir_;
  std::filesystem::path stdout_path_;
  std::filesystem::path stderr_path_;
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// "exited with status 0", "killed by signal 9", ... for assertion messages.
std::string describe_wait_status(int status);

}  // namespace relay7::testing
