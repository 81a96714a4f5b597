#include "relay7/cli/import_nginx_command.h"

#include <cstdio>

#include "relay7/cli/options.h"
#include "relay7/nginx_import/importer.h"
#include "relay7/process/pid_file.h"

namespace relay7 {
namespace {

bool is_option(const std::string& arg) {
  return arg.size() > 1 && arg.front() == '-';
}

std::string plural(size_t count, const char* noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

void print_messages(const nginx_import::ImportResult& result) {
  for (const nginx_import::ImportMessage& message : result.messages) {
    std::fprintf(stderr, "relay7: %s\n", nginx_import::format_message(message).c_str());
  }
}

bool write_output(const ImportNginxOptions& options, const std::string& json) {
  if (!options.output) {
    return std::fwrite(json.data(), 1, json.size(), stdout) == json.size() &&
           std::fflush(stdout) == 0;
  }
  std::string error;
  if (!write_file_atomically(*options.output, json, error)) {
    std::fprintf(stderr, "relay7: %s: %s\n", options.output->c_str(), error.c_str());
    return false;
  }
  return true;
}

void print_verdict(const ImportNginxOptions& options, const nginx_import::ImportResult& result,
                   bool written) {
  const std::string destination = options.output ? *options.output : "standard output";
  const std::string details = plural(result.count(nginx_import::Severity::warning), "warning") +
                              ", " + plural(result.count(nginx_import::Severity::notice), "notice");
  if (result.ok()) {
    std::fprintf(stderr, "relay7: %s imported into %s (%s)\n", options.input.c_str(),
                 destination.c_str(), details.c_str());
    return;
  }
  std::fprintf(stderr, "relay7: %s not imported: %s%s\n", options.input.c_str(),
               plural(result.count(nginx_import::Severity::error), "error").c_str(),
               written ? ("; what was translated is in " + destination).c_str() : "");
}

}  // namespace

std::optional<ImportNginxOptions> parse_import_nginx_options(const std::vector<std::string>& args,
                                                             std::string& error) {
  ImportNginxOptions options;
  bool have_input = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      options.show_help = true;
    } else if (arg == "--partial") {
      options.partial = true;
    } else if (arg.starts_with("--output=")) {
      options.output = arg.substr(9);
    } else if (arg == "-o" || arg == "--output") {
      if (i + 1 >= args.size()) {
        error = "option " + arg + " needs a value";
        return std::nullopt;
      }
      options.output = args[++i];
    } else if (is_option(arg)) {
      error = "unknown option \"" + arg + "\" for import-nginx";
      return std::nullopt;
    } else if (have_input) {
      error = "import-nginx takes one nginx config file, got \"" + options.input + "\" and \"" +
              arg + "\"";
      return std::nullopt;
    } else {
      options.input = arg;
      have_input = true;
    }
  }
  if (options.output && options.output->empty()) {
    error = "the output file name is empty";
    return std::nullopt;
  }
  if (!have_input && !options.show_help) {
    error = "import-nginx needs the nginx config file to read";
    return std::nullopt;
  }
  return options;
}

std::string import_nginx_usage_text() {
  return "Usage: relay7 import-nginx FILE [-o OUT] [--partial]\n"
         "\n"
         "Translates the nginx config FILE (and the files it includes) into a relay7 config and\n"
         "checks the result as relay7 -t does. Messages go to standard error as FILE:LINE: ...\n"
         "\n"
         "  -o, --output OUT     write the relay7 config to OUT (atomically), not to standard "
         "output\n"
         "  --partial            also write the result when not everything was translated\n"
         "  -h, --help           print this help and exit\n"
         "\n"
         "Exit status: 0 everything translated and checked, 1 something not translated or the\n"
         "check failed (nothing written unless --partial), 2 usage or file error.\n"
         "See relay7(8), IMPORTING FROM NGINX.\n";
}

int run_import_nginx(const std::vector<std::string>& args) {
  std::string error;
  const auto options = parse_import_nginx_options(args, error);
  if (!options) {
    std::fprintf(stderr, "relay7: %s (try \"relay7 import-nginx --help\")\n", error.c_str());
    return kExitUsage;
  }
  if (options->show_help) {
    std::fputs(import_nginx_usage_text().c_str(), stdout);
    return kExitOk;
  }
  const nginx_import::ImportResult result = nginx_import::import_nginx_config(options->input);
  print_messages(result);
  if (result.file_error) {
    return kExitUsage;
  }
  const bool write = result.ok() || (options->partial && !result.json.empty());
  if (write && !write_output(*options, result.json)) {
    return kExitUsage;
  }
  print_verdict(*options, result, write);
  return result.ok() ? kExitOk : kExitFailure;
}

}  // namespace relay7
