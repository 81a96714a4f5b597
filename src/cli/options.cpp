#include "relay7/cli/options.h"

namespace relay7 {

std::optional<Options> parse_options(const std::vector<std::string>& args, std::string& error) {
  Options options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-c" || arg == "--config") {
      if (i + 1 >= args.size()) {
        error = "option " + arg + " needs a file name";
        return std::nullopt;
      }
      options.config_path = args[++i];
    } else if (arg.starts_with("--config=")) {
      options.config_path = arg.substr(9);
    } else if (arg == "-t" || arg == "--test") {
      options.test_config = true;
    } else if (arg == "-h" || arg == "--help") {
      options.show_help = true;
    } else if (arg == "-V" || arg == "--version") {
      options.show_version = true;
    } else {
      error = "unknown option \"" + arg + "\"";
      return std::nullopt;
    }
  }
  return options;
}

std::string usage_text() {
  return "Usage: relay7 [-c FILE] [-t] [-V] [-h]\n"
         "\n"
         "  -c, --config FILE  configuration file (default /etc/relay7/relay7.json)\n"
         "  -t, --test         check the configuration and exit\n"
         "  -V, --version      print the version and exit\n"
         "  -h, --help         print this help and exit\n";
}

}  // namespace relay7
