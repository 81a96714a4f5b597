#include "demo/fnv1a.h"

#include <cstdio>

namespace relay7::demo {

std::string Fnv1a64::hex() const {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash_));
  return std::string(text, 16);
}

}  // namespace relay7::demo
