#include "haproxy_process.h"

#include <filesystem>
#include <stdexcept>

#include "server_startup.h"

namespace relay7::testing {
namespace {

constexpr int kBindAttempts = 5;

}  // namespace

HaproxyProcess::HaproxyProcess(const ConfigForPort& make_config) {
  if (!std::filesystem::exists(kHaproxyBinary)) {
    throw std::runtime_error(std::string(kHaproxyBinary) +
                             " is missing: install haproxy (make deps)");
  }
  if (start_on_free_port(kBindAttempts,
                         [&](uint16_t port) { return start_once(make_config(port), port); })) {
    return;
  }
  throw std::runtime_error("haproxy could not bind a free port in " +
                           std::to_string(kBindAttempts) + " attempts; output:\n" + output());
}

bool HaproxyProcess::start_once(const std::string& config, uint16_t port) {
  const std::string config_path = dir_.file("haproxy.cfg").string();
  write_file(config_path, config);
  ChildOptions options;
  options.output_dir = dir_.path();
  // -db: foreground, no daemon, no master-worker: the pid is HAProxy's only process.
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{kHaproxyBinary, "-db", "-f", config_path}, options);
  port_ = port;
  return wait_until_listening(
      *process_, port, {"haproxy", "cannot bind socket", [this] { return output(); }, config});
}

}  // namespace relay7::testing
