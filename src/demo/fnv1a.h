#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace relay7::demo {

// Streaming FNV-1a (64 bit): lets tests verify a large upload arrived intact while the backend
// keeps nothing but eight bytes of state per request.
class Fnv1a64 {
 public:
  void update(std::string_view bytes) {
    for (unsigned char byte : bytes) {
      hash_ ^= byte;
      hash_ *= kPrime;
    }
  }
  uint64_t value() const { return hash_; }
  std::string hex() const;

 private:
  static constexpr uint64_t kOffsetBasis = 0xcbf29ce484222325ULL;
  static constexpr uint64_t kPrime = 0x100000001b3ULL;
  uint64_t hash_ = kOffsetBasis;
};

}  // namespace relay7::demo
