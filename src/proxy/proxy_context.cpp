#include "relay7/proxy/proxy_context.h"

namespace relay7 {

ProxyContext::ProxyContext(event_base* base, std::shared_ptr<const Config> config,
                           std::shared_ptr<AccessLog> access_log)
    : base_(base),
      config_(std::move(config)),
      routes_(*config_),
      request_limits_{config_->limits.request_target, config_->limits.request_head,
                      config_->limits.request_headers},
      // A response has no target; only its head size and field count are bounded.
      response_limits_{ParserLimits{}.max_target_bytes, config_->limits.response_head,
                       config_->limits.response_headers},
      connections_(base),
      access_log_(std::move(access_log)) {
  upstreams_.reserve(config_->upstreams.size());
  for (const UpstreamConfig& upstream : config_->upstreams) {
    UpstreamState state;
    state.config = &upstream;
    state.balancer = make_balancer(upstream);
    for (const UpstreamServerConfig& server : upstream.servers) {
      state.pools.push_back(
          std::make_unique<ConnectionPool>(base, server.address, upstream.keepalive));
    }
    upstreams_.push_back(std::move(state));
  }
}

void ProxyContext::close_idle_upstreams() {
  for (UpstreamState& upstream : upstreams_) {
    for (auto& pool : upstream.pools) {
      pool->close_idle();
    }
  }
}

}  // namespace relay7
