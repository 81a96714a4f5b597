#include "relay7/upstream/balancer.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "balancer_test_util.h"
#include "relay7/upstream/round_robin.h"

namespace relay7 {
namespace {

using testing::addresses;
using testing::all_members;
using testing::FakeServerView;
using testing::members_of;
using testing::sequence;
using testing::upstream_of;

TEST(SmoothWeightedRoundRobin, EqualWeightsRotate) {
  const UpstreamConfig upstream = upstream_of(addresses(4));
  const std::vector<BalancerMember> members = all_members(upstream);
  SmoothWeightedRoundRobin balancer(members);
  EXPECT_EQ(sequence(balancer, FakeServerView(4), 8), "ABCDABCD");
}

TEST(SmoothWeightedRoundRobin, WeightsInterleaveSmoothly) {
  const UpstreamConfig upstream = upstream_of(addresses(3), {5, 1, 1});
  const std::vector<BalancerMember> members = all_members(upstream);
  SmoothWeightedRoundRobin balancer(members);
  EXPECT_EQ(sequence(balancer, FakeServerView(3), 14), "AABACAAAABACAA");
}

TEST(SmoothWeightedRoundRobin, SharesFollowWeights) {
  const UpstreamConfig upstream = upstream_of(addresses(2), {1, 2});
  const std::vector<BalancerMember> members = all_members(upstream);
  SmoothWeightedRoundRobin balancer(members);
  std::map<char, int> counts;
  for (char c : sequence(balancer, FakeServerView(2), 300)) {
    ++counts[c];
  }
  EXPECT_EQ(counts['A'], 100);
  EXPECT_EQ(counts['B'], 200);
}

TEST(SmoothWeightedRoundRobin, PicksOnlyAmongItsMembers) {
  const UpstreamConfig upstream = upstream_of(addresses(5));
  const std::vector<BalancerMember> members = members_of(upstream, {1, 3, 4});
  SmoothWeightedRoundRobin balancer(members);
  EXPECT_EQ(sequence(balancer, FakeServerView(5), 6), "BDEBDE");
}

TEST(SmoothWeightedRoundRobin, SkipsIneligibleServers) {
  const UpstreamConfig upstream = upstream_of(addresses(4));
  const std::vector<BalancerMember> members = all_members(upstream);
  SmoothWeightedRoundRobin balancer(members);
  FakeServerView view(4);
  view.eligible_[2] = false;
  EXPECT_EQ(sequence(balancer, view, 6), "ABDABD");
  view.eligible_[2] = true;
  EXPECT_EQ(sequence(balancer, view, 8), "ABCDABCD");
}

TEST(SmoothWeightedRoundRobin, StaysSmoothAmongTheRemainingServers) {
  // With B out, A and C share 5:1 as smoothly as if B were not configured, rather than A taking
  // B's turns as well in a burst.
  const UpstreamConfig upstream = upstream_of(addresses(3), {5, 1, 1});
  const std::vector<BalancerMember> members = all_members(upstream);
  SmoothWeightedRoundRobin balancer(members);
  FakeServerView view(3);
  view.eligible_[1] = false;
  EXPECT_EQ(sequence(balancer, view, 12), "AAACAAAAACAA");

  const UpstreamConfig without_b = upstream_of({"10.0.0.0:80", "10.0.0.2:80"}, {5, 1});
  const std::vector<BalancerMember> two = all_members(without_b);
  SmoothWeightedRoundRobin reference(two);
  EXPECT_EQ(sequence(reference, FakeServerView(2), 12), "AAABAAAAABAA");
}

TEST(SmoothWeightedRoundRobin, NothingEligibleGivesNothing) {
  const UpstreamConfig upstream = upstream_of(addresses(2));
  const std::vector<BalancerMember> members = all_members(upstream);
  SmoothWeightedRoundRobin balancer(members);
  FakeServerView view(2);
  view.eligible_ = {false, false};
  EXPECT_EQ(sequence(balancer, view, 3), "---");
  view.eligible_[1] = true;
  EXPECT_EQ(sequence(balancer, view, 2), "BB");
}

TEST(SmoothWeightedRoundRobin, NoMembersGivesNothing) {
  const UpstreamConfig upstream = upstream_of(addresses(2));
  SmoothWeightedRoundRobin balancer{std::span<const BalancerMember>()};
  EXPECT_EQ(sequence(balancer, FakeServerView(2), 2), "--");
}

TEST(MakeBalancer, RoundRobinRotates) {
  const UpstreamConfig upstream = upstream_of(addresses(3));
  const std::vector<BalancerMember> members = all_members(upstream);
  const auto balancer = make_balancer(upstream, members);
  EXPECT_EQ(sequence(*balancer, FakeServerView(3), 6, "same key"), "ABCABC");
}

TEST(MakeBalancer, HashMethodsStickToTheKey) {
  for (BalanceMethod method : {BalanceMethod::ip_hash, BalanceMethod::hash}) {
    UpstreamConfig upstream = upstream_of(addresses(3));
    upstream.balance = method;
    const std::vector<BalancerMember> members = all_members(upstream);
    const auto balancer = make_balancer(upstream, members);
    const std::string picks = sequence(*balancer, FakeServerView(3), 6, "same key");
    EXPECT_EQ(picks, std::string(6, picks[0]));
  }
}

TEST(MakeBalancer, LeastConnFollowsTheLoad) {
  UpstreamConfig upstream = upstream_of(addresses(3));
  upstream.balance = BalanceMethod::least_conn;
  const std::vector<BalancerMember> members = all_members(upstream);
  const auto balancer = make_balancer(upstream, members);
  FakeServerView view(3);
  view.active_ = {4, 1, 7};
  EXPECT_EQ(sequence(*balancer, view, 3), "BBB");
}

TEST(MakeBackupBalancer, IsRoundRobinWhateverTheMethod) {
  for (BalanceMethod method : {BalanceMethod::round_robin, BalanceMethod::ip_hash,
                               BalanceMethod::hash, BalanceMethod::least_conn}) {
    UpstreamConfig upstream = upstream_of(addresses(4));
    upstream.balance = method;
    const std::vector<BalancerMember> backups = members_of(upstream, {2, 3});
    const auto balancer = make_backup_balancer(backups);
    FakeServerView view(4);
    view.active_ = {0, 0, 0, 9};
    EXPECT_EQ(sequence(*balancer, view, 4, "same key"), "CDCD");
  }
}

}  // namespace
}  // namespace relay7
