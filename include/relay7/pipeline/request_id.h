#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace relay7 {

// Makes request IDs unique across workers and restarts without any coordination: 64 random bits
// drawn when the worker starts, then a 64-bit count of the worker's requests, as 32 lower-case
// hex digits (the shape of nginx's $request_id). They are labels for logs, not secrets: one
// worker's IDs follow each other.
class RequestIdSource {
 public:
  RequestIdSource();
  // Replaces `out` with the next ID.
  void next(std::string& out);

 private:
  uint64_t prefix_ = 0;
  uint64_t count_ = 0;
};

// Whether a client's ID may be kept (RequestIdConfig::trust): 1 to 200 visible ASCII characters,
// so that a trusted value can neither split a log line nor a header.
bool acceptable_request_id(std::string_view value);

}  // namespace relay7
