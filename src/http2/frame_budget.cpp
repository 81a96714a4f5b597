#include "relay7/http2/frame_budget.h"

#include <algorithm>

namespace relay7 {

FrameBudget::FrameBudget(uint32_t per_second)
    : per_second_(per_second),
      capacity_milli_(int64_t{per_second} * kBurstSeconds * 1000),
      tokens_milli_(capacity_milli_) {}

bool FrameBudget::take(int64_t now_ms) {
  if (last_ms_ >= 0 && now_ms > last_ms_) {
    // per_second tokens a second is per_second thousandths a millisecond.
    tokens_milli_ = std::min(capacity_milli_, tokens_milli_ + (now_ms - last_ms_) * per_second_);
  }
  last_ms_ = std::max(last_ms_, now_ms);
  if (tokens_milli_ < 1000) {
    return false;
  }
  tokens_milli_ -= 1000;
  return true;
}

}  // namespace relay7
