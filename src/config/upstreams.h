#pragma once

#include <string>
#include <vector>

#include "config/diagnostics.h"
#include "config/json_values.h"
#include "relay7/config/config.h"

namespace relay7::config {

struct UpstreamsSection {
  std::vector<UpstreamConfig> upstreams;  // in file order
  // Every validly named upstream, even one whose contents have errors: proxy_pass should not
  // add "not defined" on top of the upstream's own errors.
  std::vector<std::string> names;
};

UpstreamsSection read_upstreams(const Node& node, Diagnostics& diagnostics);

// One entry of an upstream's "servers": "HOST:PORT" or {"address": ..., "weight": ...}.
std::optional<UpstreamServerConfig> read_upstream_server(const Node& node,
                                                         Diagnostics& diagnostics);

}  // namespace relay7::config
