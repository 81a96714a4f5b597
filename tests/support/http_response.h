#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relay7::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  std::string version;  // "HTTP/1.1"
  int status = 0;       // 0 when a convenience call failed; reason then says why
  std::string reason;
  Headers headers;   // in arrival order, original case, values without surrounding whitespace
  std::string body;  // dechunked; empty when the body was discarded (see ReadOptions)
  bool chunked = false;
  Headers trailers;          // from a chunked body
  uint64_t body_length = 0;  // bytes of (dechunked) body received, also when discarded
  std::string body_fnv1a;    // fnv1a_hex of the body, also when discarded

  // Value of the first header called `name` (case-insensitive), "" if absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
  // Every value of `name`, in order (for repeated headers).
  std::vector<std::string> header_values(std::string_view name) const;
  size_t header_count(std::string_view name) const;
};

bool iequals(std::string_view a, std::string_view b);

// Whether a comma-separated header value (e.g. Connection) contains `token`, ignoring case.
bool has_token(std::string_view list, std::string_view token);

}  // namespace relay7::testing
