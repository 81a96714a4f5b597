#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/diagnostics.h"
#include "config/json_values.h"
#include "config/upstream_catalog.h"
#include "relay7/config/config.h"

namespace relay7::config {

// A server block plus what checks across blocks need to point at the right JSON entries.
struct ServerBlock {
  ServerConfig config;
  std::string path;                      // "servers[2]"
  std::vector<size_t> listen_positions;  // JSON "listen" index of each config.listen entry
};

// Reports every problem of one block; the (possibly incomplete) block is still returned when it
// is an object, so that the checks across blocks can run too.
// Relative paths in it (TLS certificates) are taken from `config_dir`.
std::optional<ServerBlock> read_server(const Node& node, UpstreamCatalog& upstreams,
                                       const std::filesystem::path& config_dir,
                                       Diagnostics& diagnostics);

// The "listen" array: valid, distinct entries go into block.config.listen.
void read_listen_list(const Node& node, ServerBlock& block, Diagnostics& diagnostics);

// The "server_names" array, lower-cased.
std::vector<std::string> read_server_names(const Node& node, Diagnostics& diagnostics);

}  // namespace relay7::config
