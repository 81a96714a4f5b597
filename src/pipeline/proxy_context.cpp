#include "relay7/pipeline/proxy_context.h"

namespace relay7 {

ProxyContext::ProxyContext(event_base* base, std::shared_ptr<const Config> config,
                           std::shared_ptr<AccessLog> access_log, const SharedStateHandle& shared,
                           const MetricsHandle& metrics)
    : base_(base),
      config_(std::move(config)),
      routes_(*config_),
      metrics_(metrics, *config_, routes_),
      request_limits_{config_->limits.request_target, config_->limits.request_head,
                      config_->limits.request_headers},
      // A response has no target; only its head size and field count are bounded.
      response_limits_{ParserLimits{}.max_target_bytes, config_->limits.response_head,
                       config_->limits.response_headers},
      connections_(base),
      access_log_(std::move(access_log)) {
  const AccessLogConfig& log = config_->access_log;
  const bool log_uses_id =
      log.path != "off" &&
      (log.kind == AccessLogFormat::json ||
       (log.kind == AccessLogFormat::custom && log.line.uses(TemplateVariable::request_id)));
  request_ids_needed_ = config_->request_id.has_value() || routes_.uses_request_id() || log_uses_id;
  upstreams_.reserve(config_->upstreams.size());
  const PoolResources resources{base, &blocks_, &response_limits_};
  for (size_t u = 0; u < config_->upstreams.size(); ++u) {
    upstreams_.push_back(std::make_unique<UpstreamRuntime>(
        resources, config_->upstreams[u], *shared.table, shared.slots[u], shared.column));
  }
}

std::vector<UpstreamRuntime*> ProxyContext::upstreams() const {
  std::vector<UpstreamRuntime*> runtimes;
  for (const auto& upstream : upstreams_) {
    runtimes.push_back(upstream.get());
  }
  return runtimes;
}

bool ProxyContext::refresh_upstream_members() {
  bool changed = false;
  for (auto& upstream : upstreams_) {
    changed = upstream->refresh_members() || changed;
  }
  return changed;
}

void ProxyContext::close_idle_upstreams() {
  for (auto& upstream : upstreams_) {
    upstream->close_idle();
  }
}

void ProxyContext::trim_idle_upstreams() {
  const int64_t now_ms = monotonic_ms();
  const int64_t idle_timeout_ms = timeouts().upstream_idle.count();
  for (auto& upstream : upstreams_) {
    upstream->trim_idle(now_ms, idle_timeout_ms);
  }
}

}  // namespace relay7
