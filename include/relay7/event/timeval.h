#pragma once

#include <sys/time.h>

#include "relay7/config/config.h"

namespace relay7 {

// libevent takes timeouts as timevals; relay7 keeps them as Durations.
inline timeval to_timeval(Duration duration) {
  return timeval{static_cast<time_t>(duration.count() / 1000),
                 static_cast<suseconds_t>((duration.count() % 1000) * 1000)};
}

}  // namespace relay7
