#include "relay7/cli/options.h"

#include <array>

namespace relay7 {
namespace {

constexpr std::array<const char*, 4> kSignalNames = {"reload", "quit", "stop", "reopen"};

bool is_signal_name(const std::string& name) {
  for (const char* known : kSignalNames) {
    if (name == known) {
      return true;
    }
  }
  return false;
}

// "-c FILE", "--config FILE" and "--config=FILE" all give FILE.
std::optional<std::string> option_value(const std::vector<std::string>& args, size_t& i,
                                        const std::string& short_name, const std::string& long_name,
                                        std::string& error) {
  const std::string& arg = args[i];
  if (arg.starts_with(long_name + "=")) {
    return arg.substr(long_name.size() + 1);
  }
  if (arg != short_name && arg != long_name) {
    return std::nullopt;
  }
  if (i + 1 >= args.size()) {
    error = "option " + arg + " needs a value";
    return std::nullopt;
  }
  return args[++i];
}

bool parse_flag(const std::string& arg, Options& options) {
  if (arg == "-t" || arg == "--test") {
    options.test_config = true;
  } else if (arg == "-T" || arg == "--dump-config") {
    options.dump_config = true;
  } else if (arg == "-h" || arg == "--help") {
    options.show_help = true;
  } else if (arg == "-V" || arg == "--version") {
    options.show_version = true;
  } else {
    return false;
  }
  return true;
}

}  // namespace

std::optional<Options> parse_options(const std::vector<std::string>& args, std::string& error) {
  Options options;
  for (size_t i = 0; i < args.size(); ++i) {
    if (parse_flag(args[i], options)) {
      continue;
    }
    if (auto path = option_value(args, i, "-c", "--config", error)) {
      options.config_path = std::move(*path);
      continue;
    }
    if (auto name = option_value(args, i, "-s", "--signal", error)) {
      if (!is_signal_name(*name)) {
        error = "unknown signal \"" + *name + "\" (expected reload, quit, stop or reopen)";
        return std::nullopt;
      }
      options.signal = std::move(*name);
      continue;
    }
    if (error.empty()) {
      error = "unknown option \"" + args[i] + "\"";
    }
    return std::nullopt;
  }
  if (options.signal && (options.test_config || options.dump_config)) {
    error = "-s cannot be combined with -t or -T";
    return std::nullopt;
  }
  return options;
}

std::string usage_text() {
  return "Usage: relay7 [-c FILE] [-t] [-T] [-s SIGNAL] [-V] [-h]\n"
         "       relay7 import-nginx FILE ...\n"
         "\n"
         "Starts the relay7 master process in the foreground, or acts on a running one.\n"
         "\n"
         "  -c, --config FILE    configuration file (default /etc/relay7/relay7.json)\n"
         "  -t, --test           check the configuration and exit\n"
         "  -T, --dump-config    check it, then print the effective configuration\n"
         "  -s, --signal SIGNAL  reload, quit, stop or reopen the running master and wait\n"
         "                       for the outcome (the master is found through pid_file)\n"
         "  -V, --version        print the version and the library versions and exit\n"
         "  -h, --help           print this help and exit\n"
         "\n"
         "import-nginx translates an nginx config into a relay7 one; \"relay7 import-nginx -h\"\n"
         "lists its options.\n"
         "\n"
         "Exit status: 0 success, 1 configuration error or failed operation, 2 usage error.\n"
         "See relay7(8) and relay7.json(5).\n";
}

}  // namespace relay7
