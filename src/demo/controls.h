#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "demo/request.h"

namespace relay7::demo {

// Per-request behaviour chosen by the client through query parameters, so tests can make the
// backend misbehave in specific ways even when requests pass through the proxy.
struct Controls {
  uint64_t delay_ms = 0;
  std::optional<int> status;
  std::optional<uint64_t> bytes;
  bool chunked = false;
  bool close_delimited = false;
  bool garbage = false;
  bool drop = false;
  uint64_t body_rate = 0;  // bytes per second; 0 = unlimited
  HeaderList extra_headers;
  HeaderList trailers;  // trailer= fields, sent after a chunked body
  // Non-empty: the controls apply only on the backend of this name and every other one answers
  // normally, so a test can make one server of an upstream fail a request that relay7 retries.
  std::string only;
  std::string error;  // non-empty: a control was malformed and the request gets a 400
};

Controls parse_controls(std::string_view uri);

// The controls `backend_name` obeys: all of them, or none when they are meant for another one.
Controls controls_for(std::string_view uri, std::string_view backend_name);

}  // namespace relay7::demo
