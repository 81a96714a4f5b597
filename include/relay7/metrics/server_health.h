#pragma once

#include <cstddef>
#include <cstdint>

#include "relay7/upstream/upstream_runtime.h"

namespace relay7 {

// One server entry of an upstream (an IP address, or a name with all its addresses) as the
// shared health state shows it now.
struct ServerHealth {
  bool up = false;  // some address of it may take requests (not down, not out by probe or fails)
  // Monotonic ms of the first failure of the current failure window (passive health); 0: none.
  int64_t failing_since_ms = 0;
};

ServerHealth server_health(const UpstreamRuntime& upstream, size_t server, int64_t now_ms);

}  // namespace relay7
