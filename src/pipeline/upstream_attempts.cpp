#include "relay7/pipeline/upstream_attempts.h"

namespace relay7 {

void UpstreamAttempts::reset(UpstreamRuntime& upstream, std::string_view key,
                             std::optional<size_t> preferred) {
  upstream_ = &upstream;
  key_.assign(key);
  preferred_ = preferred;
  tried_.clear();
  attempts_ = 0;
}

std::optional<size_t> UpstreamAttempts::first(int64_t now_ms) {
  started_ms_ = now_ms;
  return choose(now_ms);
}

std::optional<size_t> UpstreamAttempts::next(int64_t now_ms) {
  const UpstreamConfig& config = upstream_->config();
  if (config.next_upstream_tries != 0 && attempts_ >= config.next_upstream_tries) {
    return std::nullopt;
  }
  const int64_t timeout_ms = config.next_upstream_timeout.count();
  if (timeout_ms != 0 && now_ms - started_ms_ >= timeout_ms) {
    return std::nullopt;
  }
  return choose(now_ms);
}

std::optional<size_t> UpstreamAttempts::choose(int64_t now_ms) {
  const std::optional<size_t> server =
      upstream_->choose(BalanceRequest{key_}, preferred_, tried_, now_ms);
  if (server) {
    tried_.push_back(static_cast<uint32_t>(*server));
    ++attempts_;
  }
  return server;
}

}  // namespace relay7
