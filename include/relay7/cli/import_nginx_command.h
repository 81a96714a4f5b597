#pragma once

#include <optional>
#include <string>
#include <vector>

namespace relay7 {

// `relay7 import-nginx FILE [-o OUT] [--partial]` (relay7(8), IMPORTING FROM NGINX).
inline constexpr const char* kImportNginxCommand = "import-nginx";

struct ImportNginxOptions {
  std::string input;                  // the nginx config
  std::optional<std::string> output;  // nullopt: standard output
  bool partial = false;               // write what was translated even when not everything was
  bool show_help = false;
};

// The arguments after "import-nginx"; nullopt with `error` set (a one-line hint) on a usage
// error.
std::optional<ImportNginxOptions> parse_import_nginx_options(const std::vector<std::string>& args,
                                                             std::string& error);

std::string import_nginx_usage_text();

// Runs the import: messages on standard error, the JSON on standard output or in the output file
// (written atomically). Returns the exit status: 0 when everything was translated and the result
// passes the check, 1 when not (nothing is written then, unless --partial), 2 on a usage error or
// a file that cannot be read or written.
int run_import_nginx(const std::vector<std::string>& args);

}  // namespace relay7
