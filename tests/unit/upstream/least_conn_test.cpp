#include "relay7/upstream/least_conn.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "balancer_test_util.h"

namespace relay7 {
namespace {

using testing::addresses;
using testing::all_members;
using testing::FakeServerView;
using testing::members_of;
using testing::sequence;
using testing::upstream_of;

TEST(LeastConnections, PicksTheServerWithFewestRequestsInFlight) {
  const UpstreamConfig upstream = upstream_of(addresses(3));
  const std::vector<BalancerMember> members = all_members(upstream);
  LeastConnections balancer(members);
  FakeServerView view(3);
  view.active_ = {3, 1, 2};
  EXPECT_EQ(sequence(balancer, view, 3), "BBB");
  view.active_ = {3, 4, 2};
  EXPECT_EQ(sequence(balancer, view, 1), "C");
}

TEST(LeastConnections, DividesTheLoadByTheWeight) {
  const UpstreamConfig upstream = upstream_of(addresses(2), {1, 3});
  const std::vector<BalancerMember> members = all_members(upstream);
  LeastConnections balancer(members);
  FakeServerView view(2);
  view.active_ = {1, 2};  // 1/1 against 2/3
  EXPECT_EQ(sequence(balancer, view, 1), "B");
  view.active_ = {1, 4};  // 1/1 against 4/3
  EXPECT_EQ(sequence(balancer, view, 1), "A");
}

TEST(LeastConnections, TiesTakeTurns) {
  const UpstreamConfig upstream = upstream_of(addresses(4));
  const std::vector<BalancerMember> members = all_members(upstream);
  LeastConnections balancer(members);
  FakeServerView view(4);
  EXPECT_EQ(sequence(balancer, view, 8), "ABCDABCD");
  view.active_ = {1, 0, 0, 1};
  EXPECT_EQ(sequence(balancer, view, 4), "BCBC");
  view.active_ = {0, 1, 1, 0};
  EXPECT_EQ(sequence(balancer, view, 4), "ADAD");
}

TEST(LeastConnections, TiesOfEqualShareFollowTheWeights) {
  // On a quiet upstream every server is at zero: the weights must still hold.
  const UpstreamConfig upstream = upstream_of(addresses(2), {2, 1});
  const std::vector<BalancerMember> members = all_members(upstream);
  LeastConnections balancer(members);
  FakeServerView view(2);
  EXPECT_EQ(sequence(balancer, view, 6), "ABAABA");
  view.active_ = {4, 2};  // 4/2 == 2/1: still a tie
  EXPECT_EQ(sequence(balancer, view, 3), "ABA");
}

TEST(LeastConnections, SkipsIneligibleServers) {
  const UpstreamConfig upstream = upstream_of(addresses(3));
  const std::vector<BalancerMember> members = all_members(upstream);
  LeastConnections balancer(members);
  FakeServerView view(3);
  view.active_ = {0, 5, 9};
  view.eligible_[0] = false;
  EXPECT_EQ(sequence(balancer, view, 2), "BB");
  view.eligible_ = {false, false, false};
  EXPECT_EQ(sequence(balancer, view, 2), "--");
}

TEST(LeastConnections, PicksOnlyAmongItsMembers) {
  const UpstreamConfig upstream = upstream_of(addresses(4));
  const std::vector<BalancerMember> members = members_of(upstream, {1, 3});
  LeastConnections balancer(members);
  FakeServerView view(4);
  view.active_ = {0, 2, 0, 1};
  EXPECT_EQ(sequence(balancer, view, 2), "DD");
  view.active_ = {0, 1, 0, 1};
  EXPECT_EQ(sequence(balancer, view, 4), "BDBD");
}

TEST(LeastConnections, LargeCountsDoNotOverflow) {
  const UpstreamConfig upstream = upstream_of(addresses(2), {1000, 999});
  const std::vector<BalancerMember> members = all_members(upstream);
  LeastConnections balancer(members);
  FakeServerView view(2);
  view.active_ = {UINT32_MAX, UINT32_MAX - 10};  // per weight: A 4294967.3, B 4299266.6
  EXPECT_EQ(sequence(balancer, view, 1), "A");
  view.active_ = {UINT32_MAX, 1};
  EXPECT_EQ(sequence(balancer, view, 1), "B");
}

TEST(LeastConnections, NoMembersGivesNothing) {
  const UpstreamConfig upstream = upstream_of(addresses(2));
  LeastConnections balancer{std::span<const BalancerMember>()};
  EXPECT_EQ(sequence(balancer, FakeServerView(2), 2), "--");
}

}  // namespace
}  // namespace relay7
