#pragma once

#include <cstddef>

namespace relay7 {

// How much relay7 buffers in user space per direction before it stops reading from the sender.
inline constexpr size_t kBufferHighWatermark = 256 * 1024;

// The most bytes handed to a parser at once, so a body callback never outruns backpressure.
inline constexpr size_t kMaxParseSlice = 64 * 1024;

}  // namespace relay7
