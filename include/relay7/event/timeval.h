#pragma once

#include <event2/event.h>
#include <sys/time.h>

#include <optional>

#include "relay7/config/config.h"

namespace relay7 {

// libevent takes timeouts as timevals; relay7 keeps them as Durations.
inline timeval to_timeval(Duration duration) {
  return timeval{static_cast<time_t>(duration.count() / 1000),
                 static_cast<suseconds_t>((duration.count() % 1000) * 1000)};
}

// event_add with a timeout, or with none (nullopt).
inline int add_event(event* ev, std::optional<Duration> timeout) {
  if (!timeout) {
    return event_add(ev, nullptr);
  }
  const timeval tv = to_timeval(*timeout);
  return event_add(ev, &tv);
}

}  // namespace relay7
