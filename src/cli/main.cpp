#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <vector>

#include "relay7/cli/options.h"
#include "relay7/config/loader.h"
#include "relay7/log/error_log.h"
#include "relay7/net/listen_socket.h"
#include "relay7/process/worker.h"
#include "relay7/routing/route_table.h"
#include "relay7/version.h"

namespace {

using namespace relay7;

constexpr int kExitUsage = 2;

int serve(std::shared_ptr<const Config> config) {
  std::string error;
  if (!configure_error_log(config->error_log, error)) {
    std::fprintf(stderr, "relay7: %s\n", error.c_str());
    return 1;
  }
  std::shared_ptr<AccessLog> access_log = AccessLog::open(config->access_log, error);
  if (!access_log) {
    spdlog::critical("{}", error);
    return 1;
  }
  std::vector<UniqueFd> sockets;
  std::vector<int> fds;
  const RouteTable routes(*config);
  for (const ListenerRoutes& listener : routes.listeners()) {
    UniqueFd fd = open_listen_socket(listener.address, error);
    if (!fd.valid()) {
      spdlog::critical("{}", error);
      return 1;
    }
    spdlog::info("listening on {}", listener.address_text);
    fds.push_back(fd.get());
    sockets.push_back(std::move(fd));
  }
  Worker worker(std::move(config), std::move(access_log), std::move(fds));
  return worker.run();
}

}  // namespace

int main(int argc, char** argv) {
  std::string error;
  const std::optional<Options> options =
      parse_options(std::vector<std::string>(argv + 1, argv + argc), error);
  if (!options) {
    std::fprintf(stderr, "relay7: %s (try \"relay7 --help\")\n", error.c_str());
    return kExitUsage;
  }
  if (options->show_help) {
    std::fputs(usage_text().c_str(), stdout);
    return 0;
  }
  if (options->show_version) {
    std::printf("relay7 %s\n", kVersion);
    return 0;
  }
  ConfigLoadResult loaded = load_config_file(options->config_path);
  if (!loaded.ok()) {
    for (const std::string& line : loaded.errors) {
      std::fprintf(stderr, "relay7: %s\n", line.c_str());
    }
    std::fprintf(stderr, "relay7: configuration file %s test failed\n",
                 options->config_path.c_str());
    return 1;
  }
  if (options->test_config) {
    std::printf("relay7: configuration file %s test is successful\n", options->config_path.c_str());
    return 0;
  }
  std::signal(SIGPIPE, SIG_IGN);
  return serve(std::make_shared<const Config>(std::move(*loaded.config)));
}
