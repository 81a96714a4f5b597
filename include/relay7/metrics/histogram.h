#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace relay7 {

// Prometheus' default buckets, in microseconds, +Inf last. A histogram takes kHistogramSlots
// consecutive slots: one count per bucket (not cumulative: a sample touches one cell), then the
// sum of the samples in microseconds.
inline constexpr std::array<uint64_t, 11> kLatencyBucketsUs = {
    5'000,   10'000,    25'000,    50'000,    100'000,   250'000,
    500'000, 1'000'000, 2'500'000, 5'000'000, 10'000'000};
inline constexpr size_t kHistogramBuckets = kLatencyBucketsUs.size() + 1;  // with +Inf
inline constexpr size_t kHistogramSlots = kHistogramBuckets + 1;           // with the sum
inline constexpr size_t kHistogramSumOffset = kHistogramBuckets;

// The bucket a sample of `us` microseconds falls in: the first whose bound is >= it (le).
constexpr size_t histogram_bucket(uint64_t us) {
  size_t bucket = 0;
  while (bucket < kLatencyBucketsUs.size() && us > kLatencyBucketsUs[bucket]) {
    ++bucket;
  }
  return bucket;
}

}  // namespace relay7
