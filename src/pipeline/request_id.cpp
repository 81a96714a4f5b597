#include "relay7/pipeline/request_id.h"

#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

namespace relay7 {
namespace {

constexpr size_t kMaxClientIdLength = 200;

void append_hex(std::string& out, uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4) {
    out.push_back(kDigits[(value >> shift) & 0xF]);
  }
}

// getrandom() only fails on kernels older than 3.17; the clock and the pid still make a prefix
// no other live worker has.
uint64_t random_prefix() {
  uint64_t value = 0;
  if (getrandom(&value, sizeof value, 0) == static_cast<ssize_t>(sizeof value)) {
    return value;
  }
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return static_cast<uint64_t>(now) * 0x9E3779B97F4A7C15ULL ^ static_cast<uint64_t>(getpid());
}

}  // namespace

RequestIdSource::RequestIdSource() : prefix_(random_prefix()) {}

void RequestIdSource::next(std::string& out) {
  out.clear();
  append_hex(out, prefix_);
  append_hex(out, ++count_);
}

bool acceptable_request_id(std::string_view value) {
  return !value.empty() && value.size() <= kMaxClientIdLength &&
         std::all_of(value.begin(), value.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

}  // namespace relay7
