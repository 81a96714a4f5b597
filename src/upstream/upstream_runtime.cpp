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
    const int32_t active = runtime_.members_[server].slot->active.load(std::memory_order_relaxed);
    return active > 0 ? static_cast<uint32_t>(active) : 0;
  }

 private:
  const UpstreamRuntime& runtime_;
  const std::vector<uint32_t>& excluded_;
  int64_t now_ms_;
};

UpstreamRuntime::UpstreamRuntime(const PoolResources& resources, const UpstreamConfig& config,
                                 SharedServerTable& table,
                                 const std::vector<std::vector<uint32_t>>& slots, int column)
    : config_(config),
      members_(resources, config, table, slots, column),
      health_checked_(config.health_check.has_value()),
      counts_in_flight_(config.balance == BalanceMethod::least_conn) {
  for (int status : config.fail_on_status) {
    failure_statuses_.set(static_cast<size_t>(status - 500));
  }
  build_balancers();
}

// Only the members that are live: one that left is never chosen again, and its keys go where a
// ring without it sends them.
void UpstreamRuntime::build_balancers() {
  std::vector<BalancerMember> primaries;
  std::vector<BalancerMember> backups;
  for (size_t index = 0; index < members_.size(); ++index) {
    const UpstreamMember& member = members_[index];
    if (!member.live) {
      continue;
    }
    const UpstreamServerConfig& server = config_.servers[member.server];
    (server.backup ? backups : primaries)
        .push_back(BalancerMember{index, server.weight, member.identity});
  }
  primary_balancer_ = make_balancer(config_, primaries);
  backup_balancer_ = make_backup_balancer(backups);
  if (config_.sticky) {
    primaries.insert(primaries.end(), backups.begin(), backups.end());
    sticky_ = std::make_unique<StickyCookie>(config_, primaries);
  }
}

bool UpstreamRuntime::refresh_members() {
  if (!members_.refresh()) {
    return false;
  }
  build_balancers();
  return true;
}

const std::string& UpstreamRuntime::address_text(size_t server) const {
  return config_.servers[members_[server].server].address_text;
}

bool UpstreamRuntime::available(size_t server, int64_t now_ms) const {
  const UpstreamMember& member = members_[server];
  if (!member.live || config_.servers[member.server].down) {
    return false;
  }
  const ServerSlot& slot = *member.slot;
  if (health_checked_ && slot.probe_down.load(std::memory_order_relaxed)) {
    return false;
  }
  return passive_state(slot, now_ms) != PassiveState::out;
}

std::optional<size_t> UpstreamRuntime::choose(const BalanceRequest& request,
                                              std::optional<size_t> preferred,
                                              std::vector<uint32_t>& excluded, int64_t now_ms) {
  if (preferred && *preferred < members_.size() &&
      View(*this, excluded, now_ms).eligible(*preferred) &&
      take_if_trial(*preferred, excluded, now_ms)) {
    return preferred;
  }
  // Each round either returns or excludes one more server, so this ends.
  for (size_t round = 0; round <= members_.size(); ++round) {
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
  ServerSlot& slot = *members_[server].slot;
  if (passive_state(slot, now_ms) != PassiveState::trial_open) {
    return true;
  }
  const int64_t hold_ms = config_.servers[members_[server].server].fail_timeout.count();
  if (claim_trial(slot, now_ms, hold_ms)) {
    return true;
  }
  excluded.push_back(static_cast<uint32_t>(server));
  return false;
}

// Only least_conn reads the counts: other upstreams skip two atomic writes to memory every
// worker shares on each attempt. A member that left still ends its attempts: they were counted.
void UpstreamRuntime::begin_attempt(size_t server) {
  if (!counts_in_flight_) {
    return;
  }
  UpstreamMember& member = members_[server];
  member.slot->active.fetch_add(1, std::memory_order_relaxed);
  if (member.ledger != nullptr) {
    member.ledger->fetch_add(1, std::memory_order_relaxed);
  }
}

void UpstreamRuntime::end_attempt(size_t server) {
  if (!counts_in_flight_) {
    return;
  }
  UpstreamMember& member = members_[server];
  member.slot->active.fetch_sub(1, std::memory_order_relaxed);
  if (member.ledger != nullptr) {
    member.ledger->fetch_sub(1, std::memory_order_relaxed);
  }
}

// A member that left shares its slot with whichever address took its position: its late reports
// would be counted against that one.
void UpstreamRuntime::report_success(size_t server) {
  const UpstreamMember& member = members_[server];
  if (member.live) {
    record_success(*member.slot);
  }
}

// The one server of an upstream is never taken out by failures (as in nginx): there is nowhere
// else to send its requests, and refusing them all for fail_timeout would turn one bad response
// into seconds of 502s.
void UpstreamRuntime::report_failure(size_t server, int64_t now_ms) {
  const UpstreamMember& member = members_[server];
  if (!member.live || members_.live_count() == 1) {
    return;
  }
  const UpstreamServerConfig& config = config_.servers[member.server];
  if (record_failure(*member.slot, config, now_ms)) {
    spdlog::warn("upstream \"{}\" server {} is out for {} ms after {} failure(s)", config_.name,
                 member.identity, config.fail_timeout.count(), config.max_fails);
  }
}

void UpstreamRuntime::close_idle() {
  for (size_t index = 0; index < members_.size(); ++index) {
    members_[index].pool->close_idle();
  }
}

void UpstreamRuntime::trim_idle(int64_t now_ms, int64_t idle_timeout_ms) {
  for (size_t index = 0; index < members_.size(); ++index) {
    members_[index].pool->trim_idle(now_ms, idle_timeout_ms);
  }
}

}  // namespace relay7
