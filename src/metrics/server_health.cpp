#include "relay7/metrics/server_health.h"

namespace relay7 {

ServerHealth server_health(const UpstreamRuntime& upstream, size_t server, int64_t now_ms) {
  ServerHealth health;
  const UpstreamMembers& members = upstream.members();
  for (size_t member = 0; member < members.size(); ++member) {
    if (members[member].server != server || !members[member].live) {
      continue;
    }
    health.up = health.up || upstream.available(member, now_ms);
    const ServerSlot& slot = *members[member].slot;
    if (slot.fails.load(std::memory_order_relaxed) != 0 ||
        slot.out_until_ms.load(std::memory_order_relaxed) != 0) {
      const int64_t since = slot.window_start_ms.load(std::memory_order_relaxed);
      if (since != 0 && (health.failing_since_ms == 0 || since < health.failing_since_ms)) {
        health.failing_since_ms = since;
      }
    }
  }
  return health;
}

}  // namespace relay7
