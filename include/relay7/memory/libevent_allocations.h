#pragma once

namespace relay7 {

// Routes libevent's allocations through a process-wide SmallObjectRegion (those of up to
// SmallObjectRegion::kMaxSize bytes) and malloc (the rest), with event_set_mem_functions: see
// small_object_region.h for why. Call once, before libevent allocates anything (an event base,
// an event); a no-op in AddressSanitizer builds, which keep every allocation on ASan's heap so
// that libevent's memory errors stay visible. False when libevent was built without memory
// function replacement (then it keeps using malloc).
bool route_libevent_allocations();

}  // namespace relay7
