#pragma once

#include "config/diagnostics.h"
#include "config/json_values.h"
#include "relay7/config/config.h"

namespace relay7::config {

// The top-level scalars: workers, pid_file, shutdown_timeout, user, group.
void read_process_settings(const ObjectReader& root, Config& config, Diagnostics& diagnostics);

void read_error_log(const Node& node, ErrorLogConfig& log, Diagnostics& diagnostics);
void read_access_log(const Node& node, AccessLogConfig& log, Diagnostics& diagnostics);
void read_timeouts(const Node& node, TimeoutsConfig& timeouts, Diagnostics& diagnostics);
void read_limits(const Node& node, LimitsConfig& limits, Diagnostics& diagnostics);
// {"hosts_file": ..., "nameservers": [...]} (resolver_settings.cpp).
void read_resolver(const Node& node, ResolverConfig& resolver, Diagnostics& diagnostics);

// {"from": [ADDRESS or BLOCK, ...], "header": NAME} (real_ip.cpp).
void read_real_ip(const Node& node, std::optional<RealIpConfig>& real_ip, Diagnostics& diagnostics);

// {"header": NAME, "trust": BOOL, "return": BOOL} (request_id.cpp).
void read_request_id(const Node& node, std::optional<RequestIdConfig>& request_id,
                     Diagnostics& diagnostics);

// {"max_concurrent_streams": N, "max_resets_per_second": N, "max_control_frames_per_second": N}
// (http2_settings.cpp).
void read_http2(const Node& node, Http2Config& http2, Diagnostics& diagnostics);

// Longest accepted timeout; anything longer is almost certainly a unit mistake.
inline constexpr Duration kMaxTimeout = std::chrono::hours(24);

}  // namespace relay7::config
