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
  EXPECT_FALSE(trimmer.due(10'000 + HeapTrimmer::kMinIntervalMs))
      << "the count starts again after a trim";
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
  EXPECT_FALSE(trimmer.due(10'000 + HeapTrimmer::kMinIntervalMs - 1));
  EXPECT_TRUE(trimmer.due(10'000 + HeapTrimmer::kMinIntervalMs));
}

TEST(HeapTrimmer, TrimsOnceMoreWhenThingsSettled) {
  HeapTrimmer trimmer;
  park(trimmer, HeapTrimmer::kParkedBeforeTrim);
  ASSERT_TRUE(trimmer.due(10'000));
  EXPECT_FALSE(trimmer.due(10'000 + HeapTrimmer::kSettleMs - 1));
  EXPECT_TRUE(trimmer.due(10'000 + HeapTrimmer::kSettleMs));
  EXPECT_FALSE(trimmer.due(10'000 + 10 * HeapTrimmer::kSettleMs)) << "nothing parked since";
}

TEST(HeapTrimmer, AFewParkedConnectionsAreTrimmedOnceParkingStops) {
  HeapTrimmer trimmer;
  park(trimmer, 3);
  EXPECT_FALSE(trimmer.due(10'000));
  EXPECT_FALSE(trimmer.due(10'000 + HeapTrimmer::kQuietMs - 1));
  EXPECT_TRUE(trimmer.due(10'000 + HeapTrimmer::kQuietMs));
}

TEST(HeapTrimmer, ATrickleIsTrimmedWhenItPausesOrAddsUp) {
  HeapTrimmer trimmer;
  int64_t now = 10'000;
  for (int tick = 0; tick < 30; ++tick, now += 100) {  // one connection parks every tick
    park(trimmer, 1);
    EXPECT_FALSE(trimmer.due(now)) << "at tick " << tick;
  }
  EXPECT_FALSE(trimmer.due(now + HeapTrimmer::kQuietMs - 200));
  EXPECT_TRUE(trimmer.due(now + HeapTrimmer::kQuietMs));
  park(trimmer, HeapTrimmer::kParkedBeforeTrim);
  EXPECT_TRUE(trimmer.due(now + HeapTrimmer::kQuietMs + HeapTrimmer::kMinIntervalMs));
}

}  // namespace
}  // namespace relay7
