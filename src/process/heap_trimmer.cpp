#include "relay7/process/heap_trimmer.h"

#include <malloc.h>

namespace relay7 {

bool HeapTrimmer::due(int64_t now_ms) {
  if (now_ms - last_trim_ms_ < kMinIntervalMs) {
    return false;
  }
  const bool enough = parked_ >= kParkedBeforeTrim;
  if (!enough && !(follow_up_ && parked_ > 0)) {
    return false;
  }
  // The connections of a burst that went on parking after a trim are trimmed an interval later,
  // even if they are fewer than kParkedBeforeTrim: the end of a burst is not left resident.
  follow_up_ = enough;
  parked_ = 0;
  last_trim_ms_ = now_ms;
  return true;
}

void HeapTrimmer::maybe_trim(int64_t now_ms) {
  if (due(now_ms)) {
    // Keeps 1 MiB at the top for the next sessions; frees whole free pages anywhere below.
    ::malloc_trim(1 << 20);
  }
}

}  // namespace relay7
