#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "relay7/metrics/metric_slots.h"
#include "relay7/metrics/metric_table.h"
#include "relay7/upstream/upstream_runtime.h"

namespace relay7 {

// The /status page: one JSON object (schema: tests/data/status.schema.json, fields in
// relay7.json(5)) with the generation, the workers, the last reload and every upstream's servers.
// Like the metrics page it only reads relaxed atomics.
void write_status_page(const MetricTable& table, const MetricSlots& slots,
                       const std::vector<UpstreamRuntime*>& upstreams, int64_t now_ms,
                       std::string& out);

}  // namespace relay7
