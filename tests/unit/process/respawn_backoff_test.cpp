#include "relay7/process/respawn_backoff.h"

#include <gtest/gtest.h>

namespace relay7 {
namespace {

using std::chrono::milliseconds;

constexpr WorkerLife kDiedStarting{false, milliseconds(100)};
constexpr WorkerLife kDiedServing{true, milliseconds(100)};

TEST(RespawnBackoffTest, ReplacesAFirstCrashAtOnceThenDoublesUpToTheLimit) {
  RespawnBackoff backoff;
  EXPECT_EQ(backoff.next_delay(kDiedStarting), milliseconds(0));
  EXPECT_EQ(backoff.next_delay(kDiedStarting), milliseconds(250));
  EXPECT_EQ(backoff.next_delay(kDiedStarting), milliseconds(500));
  EXPECT_EQ(backoff.next_delay(kDiedStarting), milliseconds(1000));
  for (int i = 0; i < 20; ++i) {
    EXPECT_LE(backoff.next_delay(kDiedStarting), RespawnBackoff::kMaxDelay);
  }
  EXPECT_EQ(backoff.next_delay(kDiedStarting), RespawnBackoff::kMaxDelay);
}

TEST(RespawnBackoffTest, AWorkerThatRanLongEnoughResetsTheBackoff) {
  RespawnBackoff backoff;
  backoff.next_delay({false, milliseconds(1)});
  backoff.next_delay({false, milliseconds(1)});
  EXPECT_EQ(backoff.next_delay({false, RespawnBackoff::kStableLifetime}), milliseconds(0));
  EXPECT_EQ(backoff.next_delay({false, milliseconds(1)}), milliseconds(250));
}

TEST(RespawnBackoffTest, AWorkerThatHadServedIsReplacedAtOnceEveryTime) {
  RespawnBackoff backoff;
  for (int death = 1; death <= 20; ++death) {
    EXPECT_EQ(backoff.next_delay(kDiedServing), milliseconds(0)) << "death " << death;
  }
  EXPECT_EQ(backoff.quick_deaths(), 0u);
}

TEST(RespawnBackoffTest, AWorkerThatHadServedEndsACrashLoopsBackoff) {
  RespawnBackoff backoff;
  backoff.next_delay(kDiedStarting);
  backoff.next_delay(kDiedStarting);
  EXPECT_EQ(backoff.next_delay(kDiedStarting), milliseconds(500));
  EXPECT_EQ(backoff.next_delay(kDiedServing), milliseconds(0));
  // Its replacement failing to start is a first failure again.
  EXPECT_EQ(backoff.next_delay(kDiedStarting), milliseconds(0));
  EXPECT_EQ(backoff.next_delay(kDiedStarting), milliseconds(250));
}

}  // namespace
}  // namespace relay7
