#pragma once

#include <string>
#include <utility>
#include <vector>

#include "relay7/http/header_list.h"

namespace relay7::testing {

// A HeaderList as the parser would fill it, from (name, value) pairs in order.
inline HeaderList headers_of(const std::vector<std::pair<std::string, std::string>>& headers) {
  HeaderList list;
  for (const auto& [name, value] : headers) {
    list.add(name, value);
  }
  return list;
}

}  // namespace relay7::testing
