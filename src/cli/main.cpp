#include <csignal>
#include <cstdio>
#include <memory>
#include <vector>

#include "relay7/cli/import_nginx_command.h"
#include "relay7/cli/options.h"
#include "relay7/cli/signal_command.h"
#include "relay7/config/dump.h"
#include "relay7/config/loader.h"
#include "relay7/memory/libevent_allocations.h"
#include "relay7/process/credentials.h"
#include "relay7/process/master.h"
#include "relay7/process/process_title.h"

namespace {

using namespace relay7;

// Everything `-t` checks: the file itself, and what it names on this machine (the user).
std::optional<Config> load_and_check(const std::string& path) {
  ConfigLoadResult loaded = load_config_file(path);
  std::string error;
  if (loaded.ok() && !resolve_credentials(*loaded.config, error)) {
    loaded.errors.push_back(path + ": " + error);
    loaded.config.reset();
  }
  for (const std::string& line : loaded.warnings) {
    std::fprintf(stderr, "relay7: warning: %s\n", line.c_str());
  }
  if (!loaded.ok()) {
    for (const std::string& line : loaded.errors) {
      std::fprintf(stderr, "relay7: %s\n", line.c_str());
    }
    std::fprintf(stderr, "relay7: configuration file %s test failed\n", path.c_str());
    return std::nullopt;
  }
  return std::move(loaded.config);
}

int test_config(const Options& options) {
  const std::optional<Config> config = load_and_check(options.config_path);
  if (!config) {
    return kExitFailure;
  }
  if (options.dump_config) {
    std::printf("%s\n", dump_config(*config).dump(2).c_str());
  }
  std::fprintf(options.dump_config ? stderr : stdout,
               "relay7: configuration file %s test is successful\n", options.config_path.c_str());
  return kExitOk;
}

int run_master(const Options& options) {
  std::optional<Config> config = load_and_check(options.config_path);
  if (!config) {
    return kExitFailure;
  }
  std::signal(SIGPIPE, SIG_IGN);
  Master master(options.config_path, std::make_shared<const Config>(std::move(*config)));
  return master.run();
}

}  // namespace

int main(int argc, char** argv) {
  // Before anything can make an event base: libevent's allocator is set once, up front.
  route_libevent_allocations();
  // A subcommand, not an option: it has options of its own and never starts a master.
  if (argc > 1 && std::string(argv[1]) == kImportNginxCommand) {
    return run_import_nginx(std::vector<std::string>(argv + 2, argv + argc));
  }
  ProcessTitle::init(argc, argv);
  std::string error;
  const std::optional<Options> options =
      parse_options(std::vector<std::string>(argv + 1, argv + argc), error);
  if (!options) {
    std::fprintf(stderr, "relay7: %s (try \"relay7 --help\")\n", error.c_str());
    return kExitUsage;
  }
  if (options->show_help) {
    std::fputs(usage_text().c_str(), stdout);
    return kExitOk;
  }
  if (options->show_version) {
    std::fputs(version_text().c_str(), stdout);
    return kExitOk;
  }
  if (options->signal) {
    return run_signal_command(*options->signal, options->config_path);
  }
  if (options->test_config || options->dump_config) {
    return test_config(*options);
  }
  return run_master(*options);
}
