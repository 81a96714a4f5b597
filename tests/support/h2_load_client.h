#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace relay7::testing {

// What an HTTP/2 load run saw. A stream the server refused before processing it (above a
// GOAWAY's last stream id, or REFUSED_STREAM) is "retried": sent again on a new connection, as
// RFC 9113 section 6.8 allows a client to. Anything else that did not end in a 200 is a failure.
struct H2LoadResult {
  uint64_t completed = 0;
  uint64_t failed = 0;
  uint64_t retried = 0;
  uint64_t goaways = 0;
  uint64_t connections = 0;
  std::vector<std::string> failure_messages;  // the first few
};

struct H2LoadOptions {
  uint16_t port = 0;
  std::string path = "/";
  size_t connections = 4;
  size_t streams = 10;  // concurrent streams per connection
  std::chrono::milliseconds duration{2000};
  // Set by another thread: the run ends early (as if the duration had passed).
  const std::atomic<bool>* stop = nullptr;
};

// GETs over cleartext HTTP/2 (prior knowledge) with libnghttp2's client session, one thread per
// connection, each connection reopened after a GOAWAY until the duration has passed and every
// refused stream has been sent again. Bounded: a connection silent for 10 s fails its streams.
H2LoadResult run_h2_load(const H2LoadOptions& options);

}  // namespace relay7::testing
