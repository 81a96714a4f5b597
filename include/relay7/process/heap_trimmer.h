#pragma once

#include <cstddef>
#include <cstdint>

namespace relay7 {

// Gives the memory that parked connections' sessions freed back to the system. glibc keeps freed
// memory in the heap, resident, unless it lies at the heap's top; sessions and the transports of
// parked connections are allocated in between each other, so a worker that parked ten thousand
// connections would keep the high-water mark of the sessions they had (make bench, idle: 0.69 KiB
// per idle connection without trimming, 0.59 with; pages shared with live objects stay). Once
// enough connections were parked, malloc_trim returns the free pages wherever they lie; at most
// four times a second, so a steady flow of clients going idle costs a few heap walks a second, not
// one per connection; a trim for a burst is followed by one for the end of the burst.
class HeapTrimmer {
 public:
  static constexpr size_t kParkedBeforeTrim = 512;
  static constexpr int64_t kMinIntervalMs = 250;

  void note_parked() { ++parked_; }
  // From the worker's tick: whether now is the time to trim (and if so, counting starts again).
  bool due(int64_t now_ms);
  // due(), and malloc_trim when it is.
  void maybe_trim(int64_t now_ms);

 private:
  size_t parked_ = 0;
  bool follow_up_ = false;  // the last trim was for a burst: trim what parks after it too
  int64_t last_trim_ms_ = INT64_MIN / 2;
};

}  // namespace relay7
