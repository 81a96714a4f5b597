#include "relay7/upstream/passive_health.h"

#include <gtest/gtest.h>

namespace relay7 {
namespace {

UpstreamServerConfig server_with(uint32_t max_fails, int64_t fail_timeout_ms) {
  UpstreamServerConfig server;
  server.address_text = "127.0.0.1:9000";
  server.max_fails = max_fails;
  server.fail_timeout = Duration(fail_timeout_ms);
  return server;
}

TEST(PassiveHealth, AServerIsInUntilItFails) {
  ServerSlot slot;
  EXPECT_EQ(passive_state(slot, 1000), PassiveState::in);
}

TEST(PassiveHealth, MaxFailsWithinTheWindowTakeItOutForFailTimeout) {
  ServerSlot slot;
  const UpstreamServerConfig server = server_with(3, 10000);
  EXPECT_FALSE(record_failure(slot, server, 1000));
  EXPECT_FALSE(record_failure(slot, server, 2000));
  EXPECT_EQ(passive_state(slot, 2000), PassiveState::in);
  EXPECT_TRUE(record_failure(slot, server, 3000));
  EXPECT_EQ(passive_state(slot, 3000), PassiveState::out);
  EXPECT_EQ(passive_state(slot, 12999), PassiveState::out);
  EXPECT_EQ(passive_state(slot, 13000), PassiveState::trial_open);
}

TEST(PassiveHealth, FailuresSpreadWiderThanTheWindowDoNotAddUp) {
  ServerSlot slot;
  const UpstreamServerConfig server = server_with(2, 1000);
  EXPECT_FALSE(record_failure(slot, server, 1000));
  EXPECT_FALSE(record_failure(slot, server, 2500));  // the first one's window has closed
  EXPECT_TRUE(record_failure(slot, server, 3000));
}

TEST(PassiveHealth, ASuccessClearsTheCount) {
  ServerSlot slot;
  const UpstreamServerConfig server = server_with(2, 10000);
  EXPECT_FALSE(record_failure(slot, server, 1000));
  record_success(slot);
  EXPECT_FALSE(record_failure(slot, server, 1100));
  EXPECT_EQ(passive_state(slot, 1100), PassiveState::in);
}

TEST(PassiveHealth, MaxFailsZeroNeverTakesItOut) {
  ServerSlot slot;
  const UpstreamServerConfig server = server_with(0, 10000);
  for (int i = 0; i < 100; ++i) {
    EXPECT_FALSE(record_failure(slot, server, 1000 + i));
  }
  EXPECT_EQ(passive_state(slot, 2000), PassiveState::in);
}

TEST(PassiveHealth, OneTrialDecidesAfterTheTimeOut) {
  ServerSlot slot;
  const UpstreamServerConfig server = server_with(1, 1000);
  ASSERT_TRUE(record_failure(slot, server, 0));
  ASSERT_EQ(passive_state(slot, 1000), PassiveState::trial_open);
  EXPECT_TRUE(claim_trial(slot, 1000, 1000));
  EXPECT_FALSE(claim_trial(slot, 1001, 1000)) << "a second trial while the first runs";
  EXPECT_EQ(passive_state(slot, 1001), PassiveState::out);
  // The trial fails: out for another fail_timeout.
  EXPECT_FALSE(record_failure(slot, server, 1200));
  EXPECT_EQ(passive_state(slot, 2199), PassiveState::out);
  ASSERT_EQ(passive_state(slot, 2200), PassiveState::trial_open);
  ASSERT_TRUE(claim_trial(slot, 2200, 1000));
  // This trial succeeds: in again.
  record_success(slot);
  EXPECT_EQ(passive_state(slot, 2201), PassiveState::in);
}

TEST(PassiveHealth, AnUnansweredTrialLapses) {
  ServerSlot slot;
  const UpstreamServerConfig server = server_with(1, 1000);
  ASSERT_TRUE(record_failure(slot, server, 0));
  ASSERT_TRUE(claim_trial(slot, 1000, 500));
  EXPECT_EQ(passive_state(slot, 1499), PassiveState::out);
  EXPECT_EQ(passive_state(slot, 1500), PassiveState::trial_open);
  EXPECT_TRUE(claim_trial(slot, 1500, 500));
}

}  // namespace
}  // namespace relay7
