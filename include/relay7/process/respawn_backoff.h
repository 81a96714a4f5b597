#pragma once

#include <chrono>

namespace relay7 {

// How a worker that died had lived, as far as the master knows.
struct WorkerLife {
  // It had reported ready and accepted at least one connection.
  bool served = false;
  std::chrono::milliseconds lifetime{0};
};

// How long to wait before replacing a worker that died.
//
// A worker that had served is replaced at once, every time: whatever killed it (a request that
// crashes it, a signal from outside) came from outside, and each second without a replacement
// is a second in which its share of the connections waits. Waiting would turn a request that
// crashes a worker into an outage of up to kMaxDelay.
//
// A worker that dies before it served anything is probably going to die again (a log file it
// cannot open, a crash while it starts): each such death in a row doubles the wait (from 250ms
// up to 30s), so a crash loop costs little CPU and log space. The first such death after a
// worker that served or ran kStableLifetime is replaced at once.
class RespawnBackoff {
 public:
  static constexpr std::chrono::milliseconds kFirstDelay{250};
  static constexpr std::chrono::milliseconds kMaxDelay{30000};
  static constexpr std::chrono::milliseconds kStableLifetime{10000};

  std::chrono::milliseconds next_delay(const WorkerLife& life);
  unsigned quick_deaths() const { return quick_deaths_; }

 private:
  unsigned quick_deaths_ = 0;
};

}  // namespace relay7
