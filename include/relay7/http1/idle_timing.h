#pragma once

#include "relay7/config/config.h"

namespace relay7 {

// How long a draining worker keeps an idle keep-alive connection open, so that a request the
// client already sent is answered (with Connection: close) rather than cut off.
inline constexpr Duration kIdleDrainGrace{std::chrono::seconds(1)};

// How long a client connection waits for its next request with its buffers and parser in place
// before it is parked as a bare socket (see parked_connection.h). Short enough that thousands of
// idle clients cost little; long enough that a client sending request after request never pays
// for the rebuild.
inline constexpr Duration kIdleParkDelay{50};

}  // namespace relay7
