#include "relay7/upstream/passive_health.h"

namespace relay7 {

PassiveState passive_state(const ServerSlot& slot, int64_t now_ms) {
  const int64_t out_until = slot.out_until_ms.load(std::memory_order_relaxed);
  if (out_until == 0) {
    return PassiveState::in;
  }
  if (now_ms < out_until || now_ms < slot.trial_until_ms.load(std::memory_order_relaxed)) {
    return PassiveState::out;
  }
  return PassiveState::trial_open;
}

bool claim_trial(ServerSlot& slot, int64_t now_ms, int64_t hold_ms) {
  int64_t expected = slot.trial_until_ms.load(std::memory_order_relaxed);
  if (now_ms < expected) {
    return false;
  }
  return slot.trial_until_ms.compare_exchange_strong(expected, now_ms + hold_ms,
                                                     std::memory_order_relaxed);
}

bool record_failure(ServerSlot& slot, const UpstreamServerConfig& server, int64_t now_ms) {
  if (server.max_fails == 0) {
    return false;
  }
  const int64_t timeout_ms = server.fail_timeout.count();
  if (slot.out_until_ms.load(std::memory_order_relaxed) != 0) {
    // A failed trial (or a request that was in flight when the server went out): out again.
    slot.out_until_ms.store(now_ms + timeout_ms, std::memory_order_relaxed);
    slot.trial_until_ms.store(0, std::memory_order_relaxed);
    return false;
  }
  uint32_t fails = 0;
  if (now_ms - slot.window_start_ms.load(std::memory_order_relaxed) >= timeout_ms) {
    slot.window_start_ms.store(now_ms, std::memory_order_relaxed);
    slot.fails.store(1, std::memory_order_relaxed);
    fails = 1;
  } else {
    fails = slot.fails.fetch_add(1, std::memory_order_relaxed) + 1;
  }
  if (fails < server.max_fails) {
    return false;
  }
  slot.fails.store(0, std::memory_order_relaxed);
  slot.trial_until_ms.store(0, std::memory_order_relaxed);
  slot.out_until_ms.store(now_ms + timeout_ms, std::memory_order_relaxed);
  return true;
}

void record_success(ServerSlot& slot) {
  // Loads first: a healthy server's slot stays read-only, so workers do not fight over its cache
  // line on every response.
  if (slot.fails.load(std::memory_order_relaxed) != 0) {
    slot.fails.store(0, std::memory_order_relaxed);
  }
  if (slot.out_until_ms.load(std::memory_order_relaxed) != 0) {
    slot.out_until_ms.store(0, std::memory_order_relaxed);
    slot.trial_until_ms.store(0, std::memory_order_relaxed);
  }
}

}  // namespace relay7
