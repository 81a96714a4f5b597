#include "nginx_process.h"

#include <filesystem>
#include <stdexcept>

#include "ports.h"
#include "tcp_sockets.h"

namespace relay7::testing {
namespace {

constexpr int kBindAttempts = 5;
constexpr std::chrono::milliseconds kStartTimeout{10000};
constexpr std::chrono::milliseconds kProbeInterval{50};
constexpr std::string_view kPortTaken = "Address already in use";

bool listens_on(pid_t pid, uint16_t port) {
  for (const TcpSocket& socket : tcp_sockets_of({pid})) {
    if (socket.listening() && socket.local_port == port) {
      return true;
    }
  }
  return false;
}

}  // namespace

NginxProcess::NginxProcess(const ConfigForPort& make_config) {
  if (!std::filesystem::exists(kNginxBinary)) {
    throw std::runtime_error(std::string(kNginxBinary) + " is missing: install nginx (make deps)");
  }
  std::filesystem::create_directories(dir_.path() / "logs");
  for (int attempt = 1; attempt <= kBindAttempts; ++attempt) {
    const uint16_t port = free_port();
    if (start_once(make_config(port, dir_path_), port)) {
      return;
    }
  }
  throw std::runtime_error("nginx could not bind a free port in " + std::to_string(kBindAttempts) +
                           " attempts; error log:\n" + error_log());
}

std::string NginxProcess::error_log() const {
  return read_file(dir_.file("error.log")) + process_->stderr_text();
}

std::string NginxProcess::temp_path_directives(const std::string& dir) {
  std::string text;
  for (const char* kind : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
    text += std::string(kind) + "_temp_path " + dir + "/" + kind + "_temp;\n";
  }
  return text;
}

bool NginxProcess::start_once(const std::string& config, uint16_t port) {
  const std::string config_path = dir_.file("nginx.conf").string();
  write_file(config_path, config);
  std::filesystem::remove(dir_.file("error.log"));
  const std::string globals = "daemon off; master_process off; pid " + dir_path_ +
                              "/nginx.pid; error_log " + dir_path_ + "/error.log;";
  ChildOptions options;
  options.output_dir = dir_.path();
  process_ =
      std::make_unique<ChildProcess>(std::vector<std::string>{kNginxBinary, "-p", dir_path_ + "/",
                                                              "-c", config_path, "-g", globals},
                                     options);
  port_ = port;
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (wait_for_port(port, kProbeInterval) && listens_on(process_->pid(), port)) {
      return true;
    }
    if (!process_->running()) {
      if (error_log().find(kPortTaken) != std::string::npos) {
        return false;
      }
      throw std::runtime_error("nginx exited during startup (" +
                               describe_wait_status(process_->exit_status().value_or(0)) +
                               "); error log:\n" + error_log() + "\nconfig:\n" + config);
    }
  }
  process_->stop();
  throw std::runtime_error("nginx did not accept connections on port " + std::to_string(port) +
                           " in time; error log:\n" + error_log());
}

}  // namespace relay7::testing
