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
// How long a draining worker keeps an idle keep-alive connection open, so that a request the
// client already sent is answered (with Connection: close) rather than cut off.
inline constexpr Duration kIdleDrainGrace{std::chrono::seconds(1)};

// How long a client connection waits for its next request with its buffers, parser and
// bufferevent in place before it is parked as a bare socket (see parked_connection.h). Short
// enough that thousands of idle clients cost little; long enough that a client sending request
// after request never pays for the rebuild.
inline constexpr Duration kIdleParkDelay{50};

// The most bytes handed to the parser at once, so a body callback never outruns backpressure.
inline constexpr size_t kMaxParseSlice = 64 * 1024;

}  // namespace relay7
