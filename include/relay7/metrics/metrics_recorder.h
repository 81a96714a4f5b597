#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "relay7/metrics/histogram.h"
#include "relay7/metrics/metric_slots.h"
#include "relay7/metrics/metric_table.h"

namespace relay7 {

// What a worker gets from its master to count in the shared metrics table.
struct MetricsHandle {
  MetricTable* table = nullptr;
  std::shared_ptr<const MetricSlots> slots;
  int column = -1;  // the worker's stripe: its ledger column
};

// A worker's counting: each call is an index into the config's slots and a relaxed update of a
// cell in this process' own stripe. Only this process writes the stripe, so an update needs no
// read-modify-write instruction, and no other process' write ever contends for its cache lines.
class MetricsRecorder {
 public:
  // Without a table in `handle` (a worker run without a master, as in tests) it counts in a
  // private table of its own, with slots for `config`.
  MetricsRecorder(const MetricsHandle& handle, const Config& config, const RouteTable& routes);

  const MetricTable& table() const { return table_; }
  const MetricSlots& slots() const { return *slots_; }

  void count_request(size_t listener, int status) {
    add(slots_->listeners[listener].requests[status_class(status)]);
  }
  void count_http2_stream(size_t listener) { add(slots_->listeners[listener].http2_streams); }
  void count_upstream_response(size_t upstream, size_t server, int status, uint64_t elapsed_us) {
    const ServerMetricSlots& series = slots_->upstreams[upstream].servers[server];
    add(series.responses[status_class(status)]);
    add(series.latency + static_cast<uint32_t>(histogram_bucket(elapsed_us)));
    add(series.latency + static_cast<uint32_t>(kHistogramSumOffset), elapsed_us);
  }
  void count_upstream_failure(size_t upstream, size_t server, UpstreamFailureReason reason) {
    add(slots_->upstreams[upstream].servers[server].failures[static_cast<size_t>(reason)]);
  }
  void count_retry(size_t upstream) { add(slots_->upstreams[upstream].retries); }
  void attempt_started(size_t upstream, size_t server) {
    add(slots_->upstreams[upstream].servers[server].in_flight);
  }
  void attempt_ended(size_t upstream, size_t server) {
    add(slots_->upstreams[upstream].servers[server].in_flight, ~uint64_t{0});  // -1
  }
  void count_tls_handshake(TlsHandshakeResult result) {
    add(kTlsHandshakeSlots + static_cast<uint32_t>(result));
  }
  void connection_entered(ConnectionState state) {
    add(kConnectionSlots + static_cast<uint32_t>(state));
  }
  void connection_left(ConnectionState state) {
    add(kConnectionSlots + static_cast<uint32_t>(state), ~uint64_t{0});
  }

  static size_t status_class(int status) {
    const int cls = status / 100 - 1;
    return cls < 0 ? 0 : cls > 4 ? 4 : static_cast<size_t>(cls);
  }

 private:
  void add(uint32_t slot, uint64_t amount = 1) {
    std::atomic_ref<uint64_t> cell(stripe_[slot]);
    cell.store(cell.load(std::memory_order_relaxed) + amount, std::memory_order_relaxed);
  }

  std::unique_ptr<MetricRegistry> own_;
  MetricTable table_;
  std::shared_ptr<const MetricSlots> slots_;
  uint64_t* stripe_ = nullptr;
};

}  // namespace relay7
