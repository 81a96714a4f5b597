#pragma once

#include <event2/event.h>

#include <memory>
#include <string>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/http/message_parser.h"
#include "relay7/transport/io_buffer.h"
#include "relay7/upstream/shared_state.h"
#include "relay7/upstream/upstream_runtime.h"

namespace relay7 {

// Active health (nginx's rise and fall): `fall` consecutive failed probes take an up server out,
// `rise` consecutive good ones bring it back. A server counts as up until probes say otherwise.
enum class ProbeTransition { none, went_down, came_up };

// Records one probe's verdict in `slot`. Only the probing worker writes probe_down and
// probe_streak; every worker reads probe_down.
ProbeTransition record_probe(ServerSlot& slot, bool success, const HealthCheckConfig& check);

// Probes the members of every upstream that has a health_check and records the verdicts in their
// shared slots, where every worker reads them. One worker per instance runs it.
//
// A probe connects, sends `GET <path> HTTP/1.1` with "Connection: close", and passes when a
// complete response head with a status in [expect_status_min, expect_status_max] arrives within
// `timeout`; the body is never read. Each member has at most one probe in flight, and its next
// probe starts `interval` after the previous one started. Servers marked `down` in the config are
// not probed: they are never chosen, so a verdict on them would serve nothing.
class HealthChecker {
 public:
  // `upstreams` must outlive the checker; `limits` bound the probes' response heads.
  HealthChecker(event_base* base, const ParserLimits& limits,
                std::vector<UpstreamRuntime*> upstreams);
  ~HealthChecker();
  HealthChecker(const HealthChecker&) = delete;
  HealthChecker& operator=(const HealthChecker&) = delete;

  // Each member's first probe at once (on the loop's next turn), then one every `interval`.
  void start();
  // Cancels every probe and timer (a draining worker stops probing); idempotent.
  void stop();
  // Follows the upstreams' members after they changed: members that left are no longer probed,
  // new ones are (at once, if the checker runs). Not from inside a probe's callback.
  void sync();

 private:
  class ServerProbe;  // one member's probe loop
  struct Probed {
    size_t upstream;
    size_t member;
    std::string identity;
    std::unique_ptr<ServerProbe> probe;
  };
  bool probed(size_t upstream, size_t member, const std::string& identity) const;

  event_base* base_;
  // The probes' buffers: a probe holds a block or two for a few milliseconds per interval, so
  // one is kept free for the next.
  BlockPool blocks_{1};
  ParserLimits limits_;
  std::vector<UpstreamRuntime*> upstreams_;
  std::vector<Probed> probes_;
  bool running_ = false;
};

}  // namespace relay7
