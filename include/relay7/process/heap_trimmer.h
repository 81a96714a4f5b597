#pragma once

#include <cstddef>
#include <cstdint>

#include "relay7/transport/io_buffer.h"

namespace relay7 {

// Gives the memory that parked connections' sessions freed back to the system. glibc keeps freed
// memory in the heap, resident, unless it lies at the heap's top. Once enough connections were
// parked, once connections stopped parking for a moment (the end of a burst, a slow trickle),
// and once more when things settled after that, the blocks kept for busy sessions are freed and
// malloc_trim returns the free pages wherever they lie; at most four times a second, so a steady
// flow of clients going idle costs a few heap walks a second, not one per connection. The
// transports and parked state that idle connections keep live in pools of their own (memory/), so
// the sessions' pages come back whole (make bench, idle: 0.69 KiB per idle connection without
// trimming, 0.59 with trimming alone, 0.43 with the pools).
class HeapTrimmer {
 public:
  static constexpr size_t kParkedBeforeTrim = 512;
  static constexpr int64_t kMinIntervalMs = 250;
  // No connection parked for this long: what did park is trimmed even if it was few.
  static constexpr int64_t kQuietMs = 250;
  // After a trim for parked connections, one more this much later.
  static constexpr int64_t kSettleMs = 1000;
  // Blocks for the next sessions' reads (128 KiB); a busy worker refills the pool at once.
  static constexpr size_t kBlocksKept = 8;

  void note_parked() { ++parked_; }
  // From the worker's tick: whether now is the time to trim (and if so, counting starts again).
  bool due(int64_t now_ms);
  // due(), and when it is: frees the blocks `blocks` keeps beyond kBlocksKept, then
  // malloc_trim.
  void maybe_trim(int64_t now_ms, BlockPool& blocks);

 private:
  size_t parked_ = 0;            // since the last trim
  bool after_burst_ = false;     // the last trim was for a burst
  bool settle_pending_ = false;  // the last trim was for parked connections
  size_t parked_seen_ = 0;       // parked_ at the last due(), to tell when parking stopped
  int64_t last_change_ms_ = 0;
  int64_t last_trim_ms_ = INT64_MIN / 2;
};

}  // namespace relay7
