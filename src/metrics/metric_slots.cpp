#include "relay7/metrics/metric_slots.h"

#include <spdlog/spdlog.h>

#include "relay7/metrics/histogram.h"

namespace relay7 {

std::unique_ptr<MetricRegistry> MetricRegistry::create(size_t columns, size_t slots,
                                                       std::string& error) {
  std::optional<SharedMapping> memory =
      SharedMapping::create(MetricTable::bytes_for(columns, slots), "the metrics table", error);
  if (!memory) {
    return nullptr;
  }
  return std::make_unique<MetricRegistry>(std::move(*memory), columns, slots);
}

MetricRegistry::MetricRegistry(SharedMapping memory, size_t columns, size_t slots)
    : memory_(std::move(memory)), table_(memory_.data(), columns, slots) {
  for (uint32_t state = 0; state < std::size(kConnectionStateNames); ++state) {
    gauges_.push_back(kConnectionSlots + state);
  }
}

uint32_t MetricRegistry::slot_for(const std::string& key, uint32_t width, bool gauge) {
  if (const auto found = names_.find(key); found != names_.end()) {
    return found->second;
  }
  if (table_.slots() - next_ < width) {
    if (!warned_full_) {
      warned_full_ = true;
      spdlog::warn(
          "the metrics table is full ({} slots): new series are not counted until relay7 "
          "restarts (first left out: {})",
          table_.slots(), key);
    }
    return kOverflowSlot;
  }
  const uint32_t slot = next_;
  next_ += width;
  names_.emplace(key, slot);
  if (gauge) {
    gauges_.push_back(slot);
  }
  return slot;
}

std::shared_ptr<const MetricSlots> MetricRegistry::assign(const Config& config,
                                                          const RouteTable& routes) {
  auto slots = std::make_shared<MetricSlots>();
  for (std::string& label : listen_labels(config, routes)) {
    ListenMetricSlots& listen = slots->listeners.emplace_back();
    for (size_t code = 0; code < kStatusClasses; ++code) {
      listen.requests[code] =
          slot_for("requests\n" + label + '\n' + std::to_string(code + 1) + "xx", 1);
    }
    listen.http2_streams = slot_for("http2_streams\n" + label, 1);
    listen.label = std::move(label);
  }
  for (const UpstreamConfig& upstream : config.upstreams) {
    UpstreamMetricSlots& out = slots->upstreams.emplace_back();
    out.name = upstream.name;
    out.retries = slot_for("retries\n" + upstream.name, 1);
    for (const UpstreamServerConfig& server : upstream.servers) {
      ServerMetricSlots& series = out.servers.emplace_back();
      series.label = server.address_text;
      const std::string labels = upstream.name + '\n' + server.address_text;
      for (size_t code = 0; code < kStatusClasses; ++code) {
        series.responses[code] =
            slot_for("upstream_requests\n" + labels + '\n' + std::to_string(code + 1) + "xx", 1);
      }
      for (size_t reason = 0; reason < kFailureReasons; ++reason) {
        series.failures[reason] =
            slot_for("upstream_failures\n" + labels + '\n' + kFailureReasonNames[reason], 1);
      }
      series.latency = slot_for("upstream_response_seconds\n" + labels, kHistogramSlots);
      series.in_flight = slot_for("upstream_in_flight\n" + labels, 1, true);
    }
  }
  return slots;
}

void MetricRegistry::release_column(size_t column) {
  if (column >= table_.columns()) {
    return;
  }
  uint64_t* stripe = table_.stripe(column);
  for (uint32_t slot : gauges_) {
    std::atomic_ref<uint64_t>(stripe[slot]).store(0, std::memory_order_relaxed);
  }
  WorkerFacts& worker = table_.worker(column);
  worker.pid.store(0, std::memory_order_relaxed);
  worker.generation.store(0, std::memory_order_relaxed);
  worker.started_unix_ms.store(0, std::memory_order_relaxed);
}

std::vector<std::string> listen_labels(const Config& config, const RouteTable& routes) {
  std::vector<std::string> labels;
  labels.reserve(routes.listeners().size());
  for (const ListenerRoutes& listener : routes.listeners()) {
    std::string text = listener.address_text;
    for (const ServerConfig& server : config.servers) {
      const auto written = std::find_if(
          server.listen.begin(), server.listen.end(),
          [&](const ListenConfig& listen) { return listen.address == listener.address; });
      if (written != server.listen.end()) {
        text = written->text;
        break;
      }
    }
    labels.push_back(std::move(text));
  }
  return labels;
}

}  // namespace relay7
