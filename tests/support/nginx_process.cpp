#include "nginx_process.h"

#include <filesystem>
#include <stdexcept>

#include "server_startup.h"

namespace relay7::testing {
namespace {

constexpr int kBindAttempts = 5;
constexpr std::string_view kPortTaken = "Address already in use";

}  // namespace

NginxProcess::NginxProcess(const ConfigForPort& make_config) {
  if (!std::filesystem::exists(kNginxBinary)) {
    throw std::runtime_error(std::string(kNginxBinary) + " is missing: install nginx (make deps)");
  }
  std::filesystem::create_directories(dir_.path() / "logs");
  if (start_on_free_port(kBindAttempts, [&](uint16_t port) {
        return start_once(make_config(port, dir_path_), port);
      })) {
    return;
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
  return wait_until_listening(*process_, port,
                              {"nginx", kPortTaken, [this] { return error_log(); }, config});
}

}  // namespace relay7::testing
