#pragma once

#include <cstdint>

namespace relay7 {

// A token bucket for frames a client may send only so often (resets, PINGs, SETTINGS...): it
// holds ten seconds' worth at its rate and starts full, so a browser's bursts pass while a flood
// runs dry within seconds and its connection is told to calm down.
class FrameBudget {
 public:
  explicit FrameBudget(uint32_t per_second);

  // Takes one frame's token at `now_ms` (monotonic); false when the budget is spent.
  bool take(int64_t now_ms);

 private:
  static constexpr int64_t kBurstSeconds = 10;

  int64_t per_second_;
  int64_t capacity_milli_;  // tokens in thousandths, so a slow rate still refills every ms
  int64_t tokens_milli_;
  int64_t last_ms_ = -1;
};

}  // namespace relay7
