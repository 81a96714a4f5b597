#pragma once

#include <optional>

#include "config/diagnostics.h"
#include "config/json_values.h"
#include "config/upstream_catalog.h"
#include "relay7/config/config.h"

namespace relay7::config {

std::optional<ProxyPassConfig> read_proxy_pass(const Node& node, UpstreamCatalog& upstreams,
                                               Diagnostics& diagnostics);

// `"return": 403` or `"return": {"status": 301, "location": "...", "body": "..."}`.
std::optional<ReturnConfig> read_return(const Node& node, Diagnostics& diagnostics);

// `"serve": "metrics"` or `"serve": "status"`.
std::optional<ServeKind> read_serve(const Node& node, Diagnostics& diagnostics);

}  // namespace relay7::config
