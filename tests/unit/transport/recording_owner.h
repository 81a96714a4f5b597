#pragma once

#include <sys/time.h>

#include <vector>

#include "relay7/event/handles.h"
#include "relay7/transport/transport.h"

namespace relay7::testing {

// A transport owner for tests: keeps every event it gets and ends the loop's turn at each, so a
// test runs the loop one event at a time.
class RecordingOwner : public TransportOwner {
 public:
  void on_transport_event(Transport&, TransportEvent event) override {
    events_.push_back(event);
    event_base_loopbreak(base_.get());
  }

  // One turn of the loop, waiting at most `limit` for an event.
  void run_once(Duration limit = Duration(2000)) {
    const timeval tv{static_cast<time_t>(limit.count() / 1000),
                     static_cast<suseconds_t>(limit.count() % 1000 * 1000)};
    event_base_loopexit(base_.get(), &tv);
    event_base_dispatch(base_.get());
  }

 protected:
  ~RecordingOwner() = default;

  EventBasePtr base_{event_base_new()};
  std::vector<TransportEvent> events_;
};

}  // namespace relay7::testing
