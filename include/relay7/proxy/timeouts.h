#pragma once

#include <sys/time.h>

#include "relay7/config/config.h"

namespace relay7 {

inline timeval to_timeval(Duration duration) {
  return timeval{static_cast<time_t>(duration.count() / 1000),
                 static_cast<suseconds_t>((duration.count() % 1000) * 1000)};
}

// How much relay7 buffers in user space per direction before it stops reading from the sender.
inline constexpr size_t kBufferHighWatermark = 256 * 1024;
// The most bytes handed to the parser at once, so a body callback never outruns backpressure.
inline constexpr size_t kMaxParseSlice = 64 * 1024;

}  // namespace relay7
