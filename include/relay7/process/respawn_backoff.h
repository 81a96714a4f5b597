#pragma once

#include <chrono>

namespace relay7 {

// How long to wait before replacing a worker that died. A worker that dies soon after it started
// is probably going to die again: each such death in a row doubles the wait (from 250ms up to
// 30s), so a crash loop costs little CPU and log space; a worker that ran long enough resets it.
class RespawnBackoff {
 public:
  static constexpr std::chrono::milliseconds kFirstDelay{250};
  static constexpr std::chrono::milliseconds kMaxDelay{30000};
  static constexpr std::chrono::milliseconds kStableLifetime{10000};

  std::chrono::milliseconds next_delay(std::chrono::milliseconds lifetime);
  unsigned quick_deaths() const { return quick_deaths_; }

 private:
  unsigned quick_deaths_ = 0;
};

}  // namespace relay7
