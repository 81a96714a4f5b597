#include "relay7/process/heap_trimmer.h"

#include <malloc.h>

namespace relay7 {

bool HeapTrimmer::due(int64_t now_ms) {
  if (parked_ != parked_seen_) {
    parked_seen_ = parked_;
    last_change_ms_ = now_ms;
  }
  if (now_ms - last_trim_ms_ < kMinIntervalMs) {
    return false;
  }
  // What a burst leaves behind without parking (sessions that closed, idle upstream connections
  // the pool lets go) is freed after the last park: one more trim once things settled.
  const bool settle = settle_pending_ && now_ms - last_trim_ms_ >= kSettleMs;
  const bool burst = parked_ >= kParkedBeforeTrim;
  const bool quiet = parked_ > 0 && now_ms - last_change_ms_ >= kQuietMs;
  // The connections of a burst that went on parking after its trim are trimmed an interval
  // later, without waiting for quiet: the end of a burst is not left resident.
  const bool burst_end = after_burst_ && parked_ > 0;
  if (!burst && !quiet && !burst_end && !settle) {
    return false;
  }
  after_burst_ = burst;
  settle_pending_ = parked_ > 0;
  parked_ = 0;
  parked_seen_ = 0;
  last_trim_ms_ = now_ms;
  return true;
}

void HeapTrimmer::maybe_trim(int64_t now_ms, BlockPool& blocks) {
  if (due(now_ms)) {
    blocks.release_free(kBlocksKept);
    // Keeps 128 KiB (glibc's own top pad) at the top for the next sessions; frees whole free
    // pages anywhere below.
    ::malloc_trim(128 * 1024);
  }
}

}  // namespace relay7
