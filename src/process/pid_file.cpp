#include "relay7/process/pid_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "relay7/net/unique_fd.h"

namespace relay7 {
namespace {

constexpr std::string_view kMasterTitle = "relay7: master process";

std::string read_small_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// /proc/PID/stat's state field; 'Z' for a zombie, nothing when the process is gone.
char process_state(pid_t pid) {
  const std::string stat = read_small_file("/proc/" + std::to_string(pid) + "/stat");
  const size_t close_paren = stat.rfind(')');
  if (close_paren == std::string::npos || close_paren + 2 >= stat.size()) {
    return '\0';
  }
  return stat[close_paren + 2];
}

bool write_all(int fd, const std::string& data) {
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    written += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

std::optional<pid_t> read_pid_file(const std::string& path) {
  std::string text = read_small_file(path);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  pid_t pid = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (error != std::errc() || end != text.data() + text.size() || pid <= 0) {
    return std::nullopt;
  }
  return pid;
}

bool is_live_master(pid_t pid) {
  if (pid <= 0 || (::kill(pid, 0) != 0 && errno == ESRCH)) {
    return false;
  }
  const char state = process_state(pid);
  if (state == '\0' || state == 'Z' || state == 'X') {
    return false;
  }
  const std::string command_line = read_small_file("/proc/" + std::to_string(pid) + "/cmdline");
  return command_line.starts_with(kMasterTitle);
}

bool write_file_atomically(const std::string& path, const std::string& contents,
                           std::string& error) {
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  UniqueFd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) {
    error = "cannot create \"" + temporary + "\": " + std::strerror(errno);
    return false;
  }
  if (!write_all(fd.get(), contents)) {
    error = "cannot write \"" + temporary + "\": " + std::strerror(errno);
    ::unlink(temporary.c_str());
    return false;
  }
  fd.reset();
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    error = "cannot rename \"" + temporary + "\" to \"" + path + "\": " + std::strerror(errno);
    ::unlink(temporary.c_str());
    return false;
  }
  return true;
}

std::optional<PidFile> PidFile::claim(const std::string& path, std::string& error) {
  const pid_t self = ::getpid();
  if (const auto owner = read_pid_file(path); owner && *owner != self && is_live_master(*owner)) {
    error = "another relay7 master (pid " + std::to_string(*owner) + ") owns the pid file \"" +
            path + "\"";
    return std::nullopt;
  }
  if (!write_file_atomically(path, std::to_string(self) + "\n", error)) {
    return std::nullopt;
  }
  return PidFile(path, self);
}

PidFile::PidFile(PidFile&& other) noexcept
    : path_(std::move(other.path_)), owner_(std::exchange(other.owner_, -1)) {}

PidFile& PidFile::operator=(PidFile&& other) noexcept {
  if (this != &other) {
    remove();
    path_ = std::move(other.path_);
    owner_ = std::exchange(other.owner_, -1);
  }
  return *this;
}

PidFile::~PidFile() {
  remove();
}

void PidFile::remove() {
  // Only the master that wrote it removes it (a forked worker must not), and only while it still
  // names that master.
  if (owner_ > 0 && owner_ == ::getpid() && read_pid_file(path_) == owner_) {
    ::unlink(path_.c_str());
  }
  owner_ = -1;
}

}  // namespace relay7
