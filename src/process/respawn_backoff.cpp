#include "relay7/process/respawn_backoff.h"

#include <algorithm>

namespace relay7 {

std::chrono::milliseconds RespawnBackoff::next_delay(const WorkerLife& life) {
  if (life.served || life.lifetime >= kStableLifetime) {
    quick_deaths_ = 0;
  }
  if (life.served) {
    return std::chrono::milliseconds(0);
  }
  // The first death after a stable run is replaced at once: one crash is not a loop.
  const unsigned doublings = std::min(quick_deaths_, 16u);
  ++quick_deaths_;
  if (doublings == 0) {
    return std::chrono::milliseconds(0);
  }
  return std::min<std::chrono::milliseconds>(kMaxDelay,
                                             kFirstDelay * (int64_t{1} << (doublings - 1)));
}

}  // namespace relay7
