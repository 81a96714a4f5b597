#include "relay7/metrics/histogram.h"

#include <gtest/gtest.h>

namespace relay7 {
namespace {

TEST(HistogramTest, ASampleOnABoundBelongsToThatBucket) {
  // Prometheus buckets are "less than or equal".
  EXPECT_EQ(histogram_bucket(0), 0u);
  EXPECT_EQ(histogram_bucket(5'000), 0u);
  EXPECT_EQ(histogram_bucket(5'001), 1u);
  EXPECT_EQ(histogram_bucket(100'000), 4u);
  EXPECT_EQ(histogram_bucket(10'000'000), 10u);
}

TEST(HistogramTest, BeyondTheLastBoundIsInf) {
  EXPECT_EQ(histogram_bucket(10'000'001), kHistogramBuckets - 1);
  EXPECT_EQ(histogram_bucket(UINT64_MAX), kHistogramBuckets - 1);
}

}  // namespace
}  // namespace relay7
