#pragma once

#include <optional>

#include "config/diagnostics.h"
#include "config/json_values.h"
#include "relay7/config/config.h"

namespace relay7::config {

// The parts of an upstream block beyond its servers, each in its own file.

// "$remote_addr", "$uri", "$http_NAME" or "$cookie_NAME" (hash_key.cpp).
std::optional<HashKeyConfig> read_hash_key(const Node& node, Diagnostics& diagnostics);

// {"path": ..., "interval": ..., "timeout": ..., "rise": ..., "fall": ..., "expect_status": ...}
// (health_check.cpp).
std::optional<HealthCheckConfig> read_health_check(const Node& node, Diagnostics& diagnostics);

// {"cookie": ..., "path": ..., "max_age": ...} (sticky.cpp).
std::optional<StickyConfig> read_sticky(const Node& node, Diagnostics& diagnostics);

// "next_upstream_tries", "next_upstream_timeout" and "fail_on_status" (retry_policy.cpp).
void read_retry_policy(const ObjectReader& upstream_object, UpstreamConfig& upstream,
                       Diagnostics& diagnostics);

}  // namespace relay7::config
