#include "relay7/process/heap_trimmer.h"

#include <gtest/gtest.h>

namespace relay7 {
namespace {

void park(HeapTrimmer& trimmer, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    trimmer.note_parked();
  }
}

TEST(HeapTrimmer, TrimsOnlyOnceEnoughConnectionsWereParked) {
  HeapTrimmer trimmer;
  park(trimmer, HeapTrimmer::kParkedBeforeTrim - 1);
  EXPECT_FALSE(trimmer.due(10'000));
  park(trimmer, 1);
  EXPECT_TRUE(trimmer.due(10'000));
  EXPECT_FALSE(trimmer.due(20'000)) << "the count starts again after a trim";
}

TEST(HeapTrimmer, TrimsAtMostOnceAnInterval) {
  HeapTrimmer trimmer;
  park(trimmer, HeapTrimmer::kParkedBeforeTrim);
  ASSERT_TRUE(trimmer.due(10'000));
  park(trimmer, HeapTrimmer::kParkedBeforeTrim * 4);
  EXPECT_FALSE(trimmer.due(10'000 + HeapTrimmer::kMinIntervalMs - 1));
  EXPECT_TRUE(trimmer.due(10'000 + HeapTrimmer::kMinIntervalMs));
}

TEST(HeapTrimmer, TheEndOfABurstIsTrimmedAnIntervalLater) {
  HeapTrimmer trimmer;
  park(trimmer, HeapTrimmer::kParkedBeforeTrim);
  ASSERT_TRUE(trimmer.due(10'000));
  park(trimmer, 3);  // the rest of the burst
  EXPECT_TRUE(trimmer.due(10'000 + HeapTrimmer::kMinIntervalMs));
  park(trimmer, 3);  // a trickle afterwards waits for a burst again
  EXPECT_FALSE(trimmer.due(10'000 + 5 * HeapTrimmer::kMinIntervalMs));
}

}  // namespace
}  // namespace relay7
