#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace relay7::testing {

// FNV-1a 64, the digest relay7-demo-backend reports as "body_fnv1a". Kept independent of the
// backend's own code so a bug there cannot hide itself.
class Fnv1a {
 public:
  void update(std::string_view bytes) {
    for (unsigned char byte : bytes) {
      hash_ = (hash_ ^ byte) * 0x100000001b3ULL;
    }
  }
  uint64_t value() const { return hash_; }
  std::string hex() const;

 private:
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

// 16 lowercase hex digits, as in the backend's JSON.
std::string fnv1a_hex(std::string_view bytes);

}  // namespace relay7::testing
