#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/diagnostics.h"
#include "config/json_values.h"
#include "config/upstream_catalog.h"
#include "relay7/config/config.h"

namespace relay7::config {

// An upstream's "tls" object: "ca", "server_name", "verify", "cert" and "key" (both or
// neither). Relative paths are taken from `config_dir`; the files are read later, once
// apply_upstream_schemes knows the upstream speaks TLS.
std::optional<UpstreamTlsConfig> read_upstream_tls(const Node& node,
                                                   const std::filesystem::path& config_dir,
                                                   Diagnostics& diagnostics);

// The scheme proxy_pass names an upstream with decides whether it speaks TLS; its "tls" object
// only configures that. Reports an upstream named with both schemes and a "tls" object on one
// that only "http://" names; gives an upstream named with "https://" and no "tls" object the
// defaults; reads the files of each TLS upstream (UpstreamTlsContext::load), each problem
// reported under the JSON path of its "ca", "cert" or "key".
void apply_upstream_schemes(std::vector<UpstreamConfig>& upstreams,
                            const std::map<std::string, UpstreamCatalog::SchemeUses>& uses,
                            Diagnostics& diagnostics);

}  // namespace relay7::config
