#include "relay7/http2/frame_budget.h"

#include <gtest/gtest.h>

namespace relay7 {
namespace {

TEST(FrameBudgetTest, HoldsTenSecondsWorthThenRefillsAtItsRate) {
  FrameBudget budget(100);
  int taken = 0;
  while (budget.take(0)) {
    ++taken;
  }
  EXPECT_EQ(taken, 1000);
  EXPECT_FALSE(budget.take(9));  // 0.9 of a frame refilled
  EXPECT_TRUE(budget.take(10));
  EXPECT_FALSE(budget.take(10));
  EXPECT_TRUE(budget.take(1000 + 10 - 1) && budget.take(1009));
}

TEST(FrameBudgetTest, NeverHoldsMoreThanItsBurst) {
  FrameBudget budget(2);
  int taken = 0;
  while (budget.take(3'600'000)) {  // an hour later: still only 20
    ++taken;
  }
  EXPECT_EQ(taken, 20);
}

TEST(FrameBudgetTest, ASustainedFloodIsStoppedWhateverItsPace) {
  FrameBudget budget(100);
  int64_t now = 0;
  int taken = 0;
  for (int frame = 0; frame < 5000; ++frame, now += 2) {  // 500 frames a second for 10 s
    taken += budget.take(now) ? 1 : 0;
  }
  // The burst plus 100 a second: about 2000 of 5000.
  EXPECT_LE(taken, 2001);
  EXPECT_GE(taken, 1999);
}

}  // namespace
}  // namespace relay7
