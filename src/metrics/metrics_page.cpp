#include "relay7/metrics/metrics_page.h"

#include <string_view>

#include "relay7/metrics/exposition.h"
#include "relay7/metrics/histogram.h"
#include "relay7/metrics/server_health.h"

namespace relay7 {
namespace {

constexpr std::string_view kStatusClassNames[kStatusClasses] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
constexpr std::string_view kBucketBounds[kHistogramBuckets] = {
    "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"};

int64_t gauge(const MetricTable& table, uint32_t slot) {
  return static_cast<int64_t>(table.sum(slot));
}

void write_requests(ExpositionWriter& out, const MetricTable& table, const MetricSlots& slots) {
  out.family("relay7_requests_total", "counter",
             "Responses to clients, by listen address and status class.");
  for (const ListenMetricSlots& listen : slots.listeners) {
    for (size_t code = 0; code < kStatusClasses; ++code) {
      out.sample("relay7_requests_total",
                 {{"listen", listen.label}, {"code", kStatusClassNames[code]}},
                 table.sum(listen.requests[code]));
    }
  }
}

// One sample per server and value of `label` (`values[i]` counted in (server.*cells)[i]).
template <size_t N, typename Names>
void write_per_server(ExpositionWriter& out, const MetricTable& table, const MetricSlots& slots,
                      std::string_view name, std::string_view label,
                      std::array<uint32_t, N> ServerMetricSlots::*cells, const Names& values) {
  for (const UpstreamMetricSlots& upstream : slots.upstreams) {
    for (const ServerMetricSlots& server : upstream.servers) {
      for (size_t i = 0; i < N; ++i) {
        out.sample(name,
                   {{"upstream", upstream.name}, {"server", server.label}, {label, values[i]}},
                   table.sum((server.*cells)[i]));
      }
    }
  }
}

void write_upstream_counters(ExpositionWriter& out, const MetricTable& table,
                             const MetricSlots& slots) {
  out.family("relay7_upstream_requests_total", "counter",
             "Responses from upstream servers, by status class (every attempt's).");
  write_per_server(out, table, slots, "relay7_upstream_requests_total", "code",
                   &ServerMetricSlots::responses, kStatusClassNames);
  out.family("relay7_upstream_failures_total", "counter", "Failed upstream attempts, by reason.");
  write_per_server(out, table, slots, "relay7_upstream_failures_total", "reason",
                   &ServerMetricSlots::failures, kFailureReasonNames);
  out.family("relay7_upstream_retries_total", "counter",
             "Attempts on another server after a failed one.");
  for (const UpstreamMetricSlots& upstream : slots.upstreams) {
    out.sample("relay7_upstream_retries_total", {{"upstream", upstream.name}},
               table.sum(upstream.retries));
  }
}

void write_latency(ExpositionWriter& out, const MetricTable& table, const MetricSlots& slots) {
  out.family("relay7_upstream_response_seconds", "histogram",
             "Time from the start of an upstream attempt to its response head.");
  for (const UpstreamMetricSlots& upstream : slots.upstreams) {
    for (const ServerMetricSlots& server : upstream.servers) {
      uint64_t cumulative = 0;
      for (size_t bucket = 0; bucket < kHistogramBuckets; ++bucket) {
        cumulative += table.sum(server.latency + static_cast<uint32_t>(bucket));
        out.sample(
            "relay7_upstream_response_seconds_bucket",
            {{"upstream", upstream.name}, {"server", server.label}, {"le", kBucketBounds[bucket]}},
            cumulative);
      }
      const uint64_t sum_us =
          table.sum(server.latency + static_cast<uint32_t>(kHistogramSumOffset));
      out.sample("relay7_upstream_response_seconds_sum",
                 {{"upstream", upstream.name}, {"server", server.label}},
                 static_cast<double>(sum_us) / 1e6);
      out.sample("relay7_upstream_response_seconds_count",
                 {{"upstream", upstream.name}, {"server", server.label}}, cumulative);
    }
  }
}

void write_server_up(ExpositionWriter& out, const MetricSlots& slots,
                     const std::vector<UpstreamRuntime*>& upstreams, int64_t now_ms) {
  out.family("relay7_upstream_server_up", "gauge",
             "1 while the server may take requests (passive and active health, not down).");
  for (size_t u = 0; u < slots.upstreams.size() && u < upstreams.size(); ++u) {
    const UpstreamMetricSlots& upstream = slots.upstreams[u];
    for (size_t s = 0; s < upstream.servers.size(); ++s) {
      const bool up = server_health(*upstreams[u], s, now_ms).up;
      out.sample("relay7_upstream_server_up",
                 {{"upstream", upstream.name}, {"server", upstream.servers[s].label}},
                 uint64_t{up ? 1u : 0u});
    }
  }
}

void write_instance(ExpositionWriter& out, const MetricTable& table, const MetricSlots& slots) {
  out.family("relay7_connections", "gauge", "Client connections, by state.");
  for (uint32_t state = 0; state < std::size(kConnectionStateNames); ++state) {
    out.sample("relay7_connections", {{"state", kConnectionStateNames[state]}},
               gauge(table, kConnectionSlots + state));
  }
  const MasterFacts& master = table.master();
  out.family("relay7_reloads_total", "counter", "Configuration reloads, by outcome.");
  out.sample("relay7_reloads_total", {{"outcome", "ok"}},
             master.reloads_ok.load(std::memory_order_relaxed));
  out.sample("relay7_reloads_total", {{"outcome", "failed"}},
             master.reloads_failed.load(std::memory_order_relaxed));
  out.family("relay7_generation", "gauge", "The number of the generation serving.");
  out.sample("relay7_generation", {}, master.generation.load(std::memory_order_relaxed));
  out.family("relay7_workers", "gauge", "Worker processes running, all generations.");
  out.sample("relay7_workers", {}, table.worker_count());
  out.family("relay7_tls_handshakes_total", "counter", "TLS handshakes with clients, by result.");
  for (uint32_t result = 0; result < std::size(kTlsHandshakeResultNames); ++result) {
    out.sample("relay7_tls_handshakes_total", {{"result", kTlsHandshakeResultNames[result]}},
               table.sum(kTlsHandshakeSlots + result));
  }
  out.family("relay7_http2_streams_total", "counter",
             "HTTP/2 streams clients opened, by listen address.");
  for (const ListenMetricSlots& listen : slots.listeners) {
    out.sample("relay7_http2_streams_total", {{"listen", listen.label}},
               table.sum(listen.http2_streams));
  }
}

}  // namespace

void write_metrics_page(const MetricTable& table, const MetricSlots& slots,
                        const std::vector<UpstreamRuntime*>& upstreams, int64_t now_ms,
                        std::string& out) {
  ExpositionWriter writer(out);
  write_requests(writer, table, slots);
  write_upstream_counters(writer, table, slots);
  write_latency(writer, table, slots);
  write_server_up(writer, slots, upstreams, now_ms);
  write_instance(writer, table, slots);
}

}  // namespace relay7
