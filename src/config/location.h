#pragma once

#include <optional>

#include "config/diagnostics.h"
#include "config/json_values.h"
#include "config/upstream_catalog.h"
#include "relay7/config/config.h"

namespace relay7::config {

// One entry of a server's "locations". Every problem is reported; the result (possibly
// incomplete) is still returned when the path is usable, so that checks across locations, such
// as duplicate paths, can run too. nullopt when there is no usable path.
std::optional<LocationConfig> read_location(const Node& node, UpstreamCatalog& upstreams,
                                            Diagnostics& diagnostics);

}  // namespace relay7::config
