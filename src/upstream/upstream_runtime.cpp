#include "relay7/upstream/upstream_runtime.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "relay7/upstream/passive_health.h"

namespace relay7 {

// The servers as one pick sees them: shared health, shared in-flight counts, and what this
// request already tried.
class UpstreamRuntime::View final : public ServerView {
 public:
  View(const UpstreamRuntime& runtime, const std::vector<uint32_t>& excluded, int64_t now_ms)
      : runtime_(runtime), excluded_(excluded), now_ms_(now_ms) {}

  bool eligible(size_t server) const override {
    return runtime_.available(server, now_ms_) &&
           std::find(excluded_.begin(), excluded_.end(), server) == excluded_.end();
  }
  uint32_t active_requests(size_t server) const override {
    const int32_t active = runtime_.servers_[server].slot->active.load(std::memory_order_relaxed);
    return active > 0 ? static_cast<uint32_t>(active) : 0;
  }

 private:
  const UpstreamRuntime& runtime_;
  const std::vector<uint32_t>& excluded_;
  int64_t now_ms_;
};

UpstreamRuntime::UpstreamRuntime(const PoolResources& resources, const UpstreamConfig& config,
                                 SharedServerTable& table, const std::vector<uint32_t>& slots,
                                 int column)
    : config_(config),
      health_checked_(config.health_check.has_value()),
      counts_in_flight_(config.balance == BalanceMethod::least_conn) {
  servers_.reserve(config.servers.size());
  for (size_t s = 0; s < config.servers.size(); ++s) {
    const UpstreamServerConfig& server = config.servers[s];
    const uint32_t slot = slots[s];
    std::atomic<int32_t>* ledger = column >= 0 ? &table.ledger[column][slot] : nullptr;
    servers_.push_back(
        Server{&table.slots[slot], ledger,
               std::make_unique<ConnectionPool>(resources, server.address, config.keepalive)});
    (server.backup ? backups_ : primaries_).push_back(s);
  }
  primary_balancer_ = make_balancer(config, primaries_);
  backup_balancer_ = make_backup_balancer(config, backups_);
  for (int status : config.fail_on_status) {
    failure_statuses_.set(static_cast<size_t>(status - 500));
  }
  if (config.sticky) {
    sticky_ = std::make_unique<StickyCookie>(config);
  }
}

const std::string& UpstreamRuntime::address_text(size_t server) const {
  return config_.servers[server].address_text;
}

bool UpstreamRuntime::available(size_t server, int64_t now_ms) const {
  if (config_.servers[server].down) {
    return false;
  }
  const ServerSlot& slot = *servers_[server].slot;
  if (health_checked_ && slot.probe_down.load(std::memory_order_relaxed)) {
    return false;
  }
  return passive_state(slot, now_ms) != PassiveState::out;
}

std::optional<size_t> UpstreamRuntime::choose(const BalanceRequest& request,
                                              std::optional<size_t> preferred,
                                              std::vector<uint32_t>& excluded, int64_t now_ms) {
  if (preferred && View(*this, excluded, now_ms).eligible(*preferred) &&
      take_if_trial(*preferred, excluded, now_ms)) {
    return preferred;
  }
  // Each round either returns or excludes one more server, so this ends.
  for (size_t round = 0; round <= servers_.size(); ++round) {
    const View view(*this, excluded, now_ms);
    std::optional<size_t> picked = primary_balancer_->pick(request, view);
    if (!picked) {
      picked = backup_balancer_->pick(request, view);
    }
    if (!picked) {
      return std::nullopt;
    }
    if (take_if_trial(*picked, excluded, now_ms)) {
      return picked;
    }
  }
  return std::nullopt;
}

// A server whose time out is over takes one trial request; when another request claimed it
// first, this request looks elsewhere.
bool UpstreamRuntime::take_if_trial(size_t server, std::vector<uint32_t>& excluded,
                                    int64_t now_ms) {
  ServerSlot& slot = *servers_[server].slot;
  if (passive_state(slot, now_ms) != PassiveState::trial_open) {
    return true;
  }
  const int64_t hold_ms = config_.servers[server].fail_timeout.count();
  if (claim_trial(slot, now_ms, hold_ms)) {
    return true;
  }
  excluded.push_back(static_cast<uint32_t>(server));
  return false;
}

// Only least_conn reads the counts: other upstreams skip two atomic writes to memory every
// worker shares on each attempt.
void UpstreamRuntime::begin_attempt(size_t server) {
  if (!counts_in_flight_) {
    return;
  }
  Server& entry = servers_[server];
  entry.slot->active.fetch_add(1, std::memory_order_relaxed);
  if (entry.ledger != nullptr) {
    entry.ledger->fetch_add(1, std::memory_order_relaxed);
  }
}

void UpstreamRuntime::end_attempt(size_t server) {
  if (!counts_in_flight_) {
    return;
  }
  Server& entry = servers_[server];
  entry.slot->active.fetch_sub(1, std::memory_order_relaxed);
  if (entry.ledger != nullptr) {
    entry.ledger->fetch_sub(1, std::memory_order_relaxed);
  }
}

void UpstreamRuntime::report_success(size_t server) {
  record_success(*servers_[server].slot);
}

// The one server of an upstream is never taken out by failures (as in nginx): there is nowhere
// else to send its requests, and refusing them all for fail_timeout would turn one bad response
// into seconds of 502s.
void UpstreamRuntime::report_failure(size_t server, int64_t now_ms) {
  if (servers_.size() == 1) {
    return;
  }
  const UpstreamServerConfig& config = config_.servers[server];
  if (record_failure(*servers_[server].slot, config, now_ms)) {
    spdlog::warn("upstream \"{}\" server {} is out for {} ms after {} failure(s)", config_.name,
                 config.address_text, config.fail_timeout.count(), config.max_fails);
  }
}

void UpstreamRuntime::close_idle() {
  for (Server& server : servers_) {
    server.pool->close_idle();
  }
}

void UpstreamRuntime::trim_idle(int64_t now_ms, int64_t idle_timeout_ms) {
  for (Server& server : servers_) {
    server.pool->trim_idle(now_ms, idle_timeout_ms);
  }
}

}  // namespace relay7
