#pragma once

#include <event2/event.h>

#include <memory>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/http/clock.h"
#include "relay7/http/message_parser.h"
#include "relay7/log/access_log.h"
#include "relay7/metrics/metrics_recorder.h"
#include "relay7/pipeline/request_id.h"
#include "relay7/process/heap_trimmer.h"
#include "relay7/routing/route_table.h"
#include "relay7/transport/connection_set.h"
#include "relay7/transport/io_buffer.h"
#include "relay7/upstream/shared_state.h"
#include "relay7/upstream/upstream_runtime.h"

namespace relay7 {

// Everything the per-request pipeline needs, built once when a worker starts with a config.
class ProxyContext {
 public:
  ProxyContext(event_base* base, std::shared_ptr<const Config> config,
               std::shared_ptr<AccessLog> access_log, const SharedStateHandle& shared,
               const MetricsHandle& metrics);

  event_base* base() const { return base_; }
  const Config& config() const { return *config_; }
  const TimeoutsConfig& timeouts() const { return config_->timeouts; }
  const ParserLimits& request_limits() const { return request_limits_; }
  const ParserLimits& response_limits() const { return response_limits_; }
  const RouteTable& routes() const { return routes_; }
  UpstreamRuntime& upstream(size_t index) { return *upstreams_[index]; }
  std::vector<UpstreamRuntime*> upstreams() const;
  ConnectionSet& connections() { return connections_; }
  CachedClock& clock() { return clock_; }
  BlockPool& blocks() { return blocks_; }
  AccessLog& access_log() { return *access_log_; }
  MetricsRecorder& metrics() { return metrics_; }
  HeapTrimmer& heap_trimmer() { return heap_trimmer_; }
  RequestIdSource& request_ids() { return request_ids_; }
  // Each request needs an ID: request_id is on, or a rule or the access log names $request_id.
  bool request_ids_needed() const { return request_ids_needed_; }
  bool draining() const { return draining_; }
  void set_draining() { draining_ = true; }
  void close_idle_upstreams();
  // Closes the idle upstream connections a burst left beyond each pool's keepalive.
  void trim_idle_upstreams();
  // Takes up the addresses the master last published for the upstreams' names; true when some
  // upstream's members changed.
  bool refresh_upstream_members();

 private:
  event_base* base_;
  std::shared_ptr<const Config> config_;
  RouteTable routes_;
  MetricsRecorder metrics_;
  ParserLimits request_limits_;
  ParserLimits response_limits_;
  // Before the upstreams and connections, whose buffers return their blocks to it.
  BlockPool blocks_;
  std::vector<std::unique_ptr<UpstreamRuntime>> upstreams_;
  ConnectionSet connections_;
  CachedClock clock_;
  std::shared_ptr<AccessLog> access_log_;
  HeapTrimmer heap_trimmer_;
  RequestIdSource request_ids_;
  bool request_ids_needed_ = false;
  bool draining_ = false;
};

}  // namespace relay7
