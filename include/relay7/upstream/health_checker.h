#pragma once

#include <event2/event.h>

#include <memory>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/upstream/shared_state.h"

namespace relay7 {

// Active health (nginx's rise and fall): `fall` consecutive failed probes take an up server out,
// `rise` consecutive good ones bring it back. A server counts as up until probes say otherwise.
enum class ProbeTransition { none, went_down, came_up };

// Records one probe's verdict in `slot`. Only the probing worker writes probe_down and
// probe_streak; every worker reads probe_down.
ProbeTransition record_probe(ServerSlot& slot, bool success, const HealthCheckConfig& check);

// Probes the servers of every upstream that has a health_check and records the verdicts in their
// shared slots, where every worker reads them. One worker per instance runs it.
//
// A probe connects, sends `GET <path> HTTP/1.1` with "Connection: close", and passes when a
// complete response head with a status in [expect_status_min, expect_status_max] arrives within
// `timeout`; the body is never read. Each server has at most one probe in flight, and its next
// probe starts `interval` after the previous one started. Servers marked `down` in the config are
// not probed: they are never chosen, so a verdict on them would serve nothing.
class HealthChecker {
 public:
  // slots[u][s] is the index in table.slots of config.upstreams[u].servers[s]. `config` is only
  // read here; `table` must outlive the checker.
  HealthChecker(event_base* base, const Config& config, SharedServerTable& table,
                const SlotMap& slots);
  ~HealthChecker();
  HealthChecker(const HealthChecker&) = delete;
  HealthChecker& operator=(const HealthChecker&) = delete;

  // Each server's first probe at once (on the loop's next turn), then one every `interval`.
  void start();
  // Cancels every probe and timer (a draining worker stops probing); idempotent.
  void stop();

 private:
  class ServerProbe;  // one server's probe loop
  std::vector<std::unique_ptr<ServerProbe>> probes_;
};

}  // namespace relay7
