#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/diagnostics.h"
#include "config/json_values.h"
#include "relay7/config/config.h"

namespace relay7::config {

// A server block's "tls" object. Relative certificate and key paths are taken from `config_dir`
// (the config file's folder); the files are read and checked (ServerTlsContext::load), each
// problem reported under the JSON path of the "cert" or "key" it is about. A certificate that
// loads but expires soon or does not cover one of the block's `server_names` is a warning.
std::optional<ServerTlsConfig> read_server_tls(const Node& node,
                                               const std::filesystem::path& config_dir,
                                               const std::vector<std::string>& server_names,
                                               bool http2, Diagnostics& diagnostics);

}  // namespace relay7::config
