#include "fnv1a.h"

namespace relay7::testing {

std::string Fnv1a::hex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text(16, '0');
  uint64_t rest = hash_;
  for (int i = 15; i >= 0; --i, rest >>= 4)
    text[static_cast<size_t>(i)] = kDigits[rest & 0xF];
  return text;
}

std::string fnv1a_hex(std::string_view bytes) {
  Fnv1a hash;
  hash.update(bytes);
  return hash.hex();
}

}  // namespace relay7::testing
