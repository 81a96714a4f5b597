#include "relay7/process/respawn_backoff.h"

#include <gtest/gtest.h>

namespace relay7 {
namespace {

using std::chrono::milliseconds;

TEST(RespawnBackoffTest, ReplacesAFirstCrashAtOnceThenDoublesUpToTheLimit) {
  RespawnBackoff backoff;
  const milliseconds quick{100};
  EXPECT_EQ(backoff.next_delay(quick), milliseconds(0));
  EXPECT_EQ(backoff.next_delay(quick), milliseconds(250));
  EXPECT_EQ(backoff.next_delay(quick), milliseconds(500));
  EXPECT_EQ(backoff.next_delay(quick), milliseconds(1000));
  for (int i = 0; i < 20; ++i) {
    EXPECT_LE(backoff.next_delay(quick), RespawnBackoff::kMaxDelay);
  }
  EXPECT_EQ(backoff.next_delay(quick), RespawnBackoff::kMaxDelay);
}

TEST(RespawnBackoffTest, AWorkerThatRanLongEnoughResetsTheBackoff) {
  RespawnBackoff backoff;
  backoff.next_delay(milliseconds(1));
  backoff.next_delay(milliseconds(1));
  EXPECT_EQ(backoff.next_delay(RespawnBackoff::kStableLifetime), milliseconds(0));
  EXPECT_EQ(backoff.next_delay(milliseconds(1)), milliseconds(250));
}

}  // namespace
}  // namespace relay7
