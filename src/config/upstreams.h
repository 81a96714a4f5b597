#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"
#include "config/host_lookups.h"
#include "config/json_values.h"
#include "relay7/config/config.h"

namespace relay7::config {

// Same order as the BalanceMethod enumerators; the loader and the dump share it.
inline constexpr std::string_view kBalanceNames[] = {"round_robin", "ip_hash", "hash",
                                                     "least_conn"};

struct UpstreamsSection {
  std::vector<UpstreamConfig> upstreams;  // in file order
  // Every validly named upstream, even one whose contents have errors: proxy_pass should not
  // add "not defined" on top of the upstream's own errors.
  std::vector<std::string> names;
};

// Host names are resolved through `lookups`; relative file paths are taken from `config_dir`.
// An upstream's "tls" is kept as read: apply_upstream_schemes (upstream_tls.h) decides on it
// once every proxy_pass is known.
UpstreamsSection read_upstreams(const Node& node, const std::filesystem::path& config_dir,
                                HostLookups& lookups, Diagnostics& diagnostics);

// One entry of an upstream's "servers": "HOST:PORT" or {"address": ..., "weight": ..., ...}.
// `defaults` holds what the upstream sets for all its servers (max_fails, fail_timeout); the
// address comes from the entry.
std::optional<UpstreamServerConfig> read_upstream_server(const Node& node,
                                                         const UpstreamServerConfig& defaults,
                                                         HostLookups& lookups,
                                                         Diagnostics& diagnostics);

// Refuses a config whose servers reserve more shared-state slots than one config may
// (kMaxServerSlotsPerConfig), naming each upstream's share.
void check_server_slots(const Config& config, Diagnostics& diagnostics);

// "max_fails" and "fail_timeout" of an upstream (the defaults of its servers) or of one server
// object; keys that are absent or invalid leave `server` as it was.
void read_failure_limits(const ObjectReader& object, UpstreamServerConfig& server,
                         Diagnostics& diagnostics);

}  // namespace relay7::config
