#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "demo/fnv1a.h"

namespace relay7::demo {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Everything the backend remembers about one request; the body itself is only hashed.
struct Request {
  std::string method;
  std::string uri;
  std::string version;  // "1.1"
  HeaderList headers;   // in arrival order, original case
  HeaderList trailers;  // the trailer section of a chunked body
  uint64_t body_length = 0;
  Fnv1a64 body_hash;
  bool keep_alive = true;
  bool expect_continue = false;
  bool upgrade = false;  // Upgrade + Connection: upgrade, or CONNECT
  bool is_head = false;
  bool is_connect = false;
};

bool iequals(std::string_view a, std::string_view b);

// Value of the first header called `name` (case-insensitive), or "" if there is none.
std::string_view find_header(const HeaderList& headers, std::string_view name);

}  // namespace relay7::demo
