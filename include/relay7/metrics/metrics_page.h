#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "relay7/metrics/metric_slots.h"
#include "relay7/metrics/metric_table.h"
#include "relay7/upstream/upstream_runtime.h"

namespace relay7 {

inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

// The /metrics page (text exposition format 0.0.4): every counter of `slots`, summed over the
// stripes of all processes, beside the health of `upstreams` (as Config::upstreams) and the
// master's facts. Reads only relaxed atomics: never waits for another process.
void write_metrics_page(const MetricTable& table, const MetricSlots& slots,
                        const std::vector<UpstreamRuntime*>& upstreams, int64_t now_ms,
                        std::string& out);

}  // namespace relay7
