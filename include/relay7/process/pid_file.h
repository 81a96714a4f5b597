#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace relay7 {

// The pid a pid file names, or nullopt when it is missing or holds no valid pid.
std::optional<pid_t> read_pid_file(const std::string& path);

// True when `pid` is a running (not zombie) relay7 master process.
bool is_live_master(pid_t pid);

// Writes `contents` to `path` through a temporary file and a rename, so a reader never sees a
// half-written file.
bool write_file_atomically(const std::string& path, const std::string& contents,
                           std::string& error);

// The master's pid file: written atomically at start, removed at exit if it still names us.
class PidFile {
 public:
  // Refuses (nullopt, `error` set) when a live master owns `path`; a stale file is taken over.
  static std::optional<PidFile> claim(const std::string& path, std::string& error);
  PidFile(PidFile&& other) noexcept;
  PidFile& operator=(PidFile&& other) noexcept;
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;
  ~PidFile();

  const std::string& path() const { return path_; }

 private:
  PidFile(std::string path, pid_t owner) : path_(std::move(path)), owner_(owner) {}
  void remove();

  std::string path_;
  pid_t owner_ = -1;
};

}  // namespace relay7
