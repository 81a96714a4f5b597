#pragma once

#include <cstdint>

#include "relay7/config/config.h"
#include "relay7/upstream/shared_state.h"

namespace relay7 {

// Passive health, judged from real requests (nginx's max_fails and fail_timeout): max_fails
// failures within fail_timeout take a server out for fail_timeout; then one trial request decides
// whether it is back. Every worker reads and writes the same slot; the counting is approximate
// under races between workers, never unsafe.
enum class PassiveState {
  in,          // takes requests
  out,         // failed recently
  trial_open,  // its time out is over and no trial request has been claimed yet
};

PassiveState passive_state(const ServerSlot& slot, int64_t now_ms);

// Claims the one trial request of a server whose time out is over. False when another request,
// maybe in another worker, has claimed it; a claim lapses after `hold_ms` in case its request
// never reports.
bool claim_trial(ServerSlot& slot, int64_t now_ms, int64_t hold_ms);

// Returns true when this failure took the server out.
bool record_failure(ServerSlot& slot, const UpstreamServerConfig& server, int64_t now_ms);

void record_success(ServerSlot& slot);

}  // namespace relay7
