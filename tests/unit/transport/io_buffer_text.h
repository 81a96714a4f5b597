#pragma once

#include <string>

#include "relay7/transport/io_buffer.h"

namespace relay7::testing {

// Everything `buffer` holds, as one string, for comparing what a writer produced.
inline std::string text_of(const IoBuffer& buffer) {
  iovec vectors[256];
  const size_t count = buffer.gather(vectors, 256);
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    out.append(static_cast<const char*>(vectors[i].iov_base), vectors[i].iov_len);
  }
  return out;
}

}  // namespace relay7::testing
