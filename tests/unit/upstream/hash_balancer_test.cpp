#include "relay7/upstream/hash_balancer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "balancer_test_util.h"
#include "relay7/upstream/hash_ring.h"

namespace relay7 {
namespace {

using testing::addresses;
using testing::all_members;
using testing::FakeServerView;
using testing::members_of;
using testing::sequence;
using testing::upstream_of;

constexpr int kKeys = 100000;

std::string key_of(int i) {
  return "client-" + std::to_string(i);
}

std::string ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return std::string{static_cast<char>(a), static_cast<char>(b), static_cast<char>(c),
                     static_cast<char>(d)};
}

// The server each of kKeys keys goes to (nullopt as SIZE_MAX).
std::vector<size_t> owners(HashBalancer& balancer, const ServerView& view) {
  std::vector<size_t> out;
  out.reserve(kKeys);
  for (int i = 0; i < kKeys; ++i) {
    const std::string key = key_of(i);
    out.push_back(balancer.pick(BalanceRequest{key}, view).value_or(SIZE_MAX));
  }
  return out;
}

TEST(StableHash, IsFixedAcrossBuildsAndRuns) {
  // Sticky sessions must survive restarts and upgrades: these values are part of the contract.
  EXPECT_EQ(stable_hash(""), 0xf52a15e9a9b5e89bULL);
  EXPECT_EQ(stable_hash("127.0.0.1:2222#0"), 0x7ad278970e1fd459ULL);
  EXPECT_NE(stable_hash("a"), stable_hash("b"));
}

TEST(HashRing, WalkingFromALookupVisitsEveryPointOnce) {
  const HashRing ring({{"a:1", 1}, {"b:1", 2}});
  ASSERT_EQ(ring.point_count(), 3 * HashRing::kPointsPerWeight);
  const uint64_t hash = stable_hash("key");
  const size_t start = ring.position_of(hash);
  EXPECT_EQ(ring.member_at(start), ring.lookup(hash));
  std::map<size_t, size_t> per_member;
  std::set<size_t> seen;
  size_t position = start;
  for (size_t i = 0; i < ring.point_count(); ++i) {
    EXPECT_TRUE(seen.insert(position).second);
    ++per_member[ring.member_at(position)];
    position = ring.next(position);
  }
  EXPECT_EQ(position, start);
  EXPECT_EQ(per_member[0], HashRing::kPointsPerWeight);
  EXPECT_EQ(per_member[1], 2 * HashRing::kPointsPerWeight);
}

TEST(HashRing, KeysPastTheLastPointWrapToTheFirst) {
  const HashRing ring({{"a:1", 1}, {"b:1", 1}});
  EXPECT_EQ(ring.position_of(UINT64_MAX), 0u);
  EXPECT_EQ(ring.position_of(0), 0u);
  EXPECT_EQ(ring.next(ring.point_count() - 1), 0u);
}

TEST(HashRing, RemovingOneMemberMovesOnlyItsKeys) {
  std::vector<HashRing::Member> members;
  for (const std::string& address : addresses(10)) {
    members.push_back({address, 1});
  }
  const HashRing full(members);
  std::vector<HashRing::Member> fewer = members;
  fewer.erase(fewer.begin() + 3);
  const HashRing reduced(fewer);
  int moved = 0;
  for (int key = 0; key < kKeys; ++key) {
    const uint64_t hash = stable_hash(key_of(key));
    const std::string& before = members[full.lookup(hash)].identity;
    const std::string& after = fewer[reduced.lookup(hash)].identity;
    if (before != after) {
      ++moved;
      ASSERT_EQ(before, members[3].identity) << "a key moved that was not on the removed member";
    }
  }
  EXPECT_GT(moved, kKeys * 7 / 100);
  EXPECT_LT(moved, kKeys * 13 / 100);
}

TEST(HashRing, MemberOrderDoesNotMatter) {
  const HashRing forward({{"a:1", 1}, {"b:1", 1}, {"c:1", 1}});
  const HashRing backward({{"c:1", 1}, {"b:1", 1}, {"a:1", 1}});
  const std::vector<std::string> forward_names = {"a:1", "b:1", "c:1"};
  const std::vector<std::string> backward_names = {"c:1", "b:1", "a:1"};
  for (int key = 0; key < 1000; ++key) {
    const uint64_t hash = stable_hash(std::to_string(key));
    EXPECT_EQ(forward_names[forward.lookup(hash)], backward_names[backward.lookup(hash)]);
  }
}

TEST(HashBalancer, SameKeyAlwaysSameServerAndInstancesAgree) {
  const UpstreamConfig upstream = upstream_of(addresses(4));
  const std::vector<BalancerMember> members = all_members(upstream);
  HashBalancer first(members);
  HashBalancer second(members);  // another worker or another relay7 instance
  const FakeServerView view(4);
  for (int i = 1; i < 200; ++i) {
    const std::string client = ipv4(10, 0, static_cast<uint8_t>(i / 256), static_cast<uint8_t>(i));
    const std::optional<size_t> chosen = first.pick({client}, view);
    ASSERT_TRUE(chosen.has_value());
    EXPECT_EQ(first.pick({client}, view), chosen);
    EXPECT_EQ(second.pick({client}, view), chosen);
  }
}

TEST(HashBalancer, UsesTheWholeAddress) {
  const UpstreamConfig upstream = upstream_of(addresses(4));
  const std::vector<BalancerMember> members = all_members(upstream);
  HashBalancer balancer(members);
  std::set<size_t> used;
  for (int last = 1; last < 64; ++last) {
    used.insert(*balancer.pick({ipv4(192, 168, 1, static_cast<uint8_t>(last))}, FakeServerView(4)));
  }
  EXPECT_EQ(used.size(), 4u) << "clients of one /24 must not all land on one server";
}

TEST(HashBalancer, DistributionIsRoughlyEven) {
  const UpstreamConfig upstream = upstream_of(addresses(10));
  const std::vector<BalancerMember> members = all_members(upstream);
  HashBalancer balancer(members);
  std::map<size_t, int> counts;
  for (size_t server : owners(balancer, FakeServerView(10))) {
    ++counts[server];
  }
  ASSERT_EQ(counts.size(), 10u);
  for (const auto& [server, count] : counts) {
    EXPECT_GT(count, kKeys / 10 * 8 / 10) << "server " << server;
    EXPECT_LT(count, kKeys / 10 * 12 / 10) << "server " << server;
  }
}

TEST(HashBalancer, WeightsScaleTheShare) {
  const UpstreamConfig upstream = upstream_of(addresses(3), {1, 2, 1});
  const std::vector<BalancerMember> members = all_members(upstream);
  HashBalancer balancer(members);
  std::map<size_t, int> counts;
  for (size_t server : owners(balancer, FakeServerView(3))) {
    ++counts[server];
  }
  EXPECT_GT(counts[1], kKeys * 45 / 100);
  EXPECT_LT(counts[1], kKeys * 55 / 100);
}

// The promise of hash and ip_hash: when one of N servers is out, exactly the keys it owned move,
// to various other servers, and they all come back when it returns.
TEST(HashBalancer, OneServerOutMovesExactlyItsKeysAndTheyComeBack) {
  const UpstreamConfig upstream = upstream_of(addresses(10));
  const std::vector<BalancerMember> members = all_members(upstream);
  HashBalancer balancer(members);
  FakeServerView view(10);
  const std::vector<size_t> before = owners(balancer, view);

  view.eligible_[3] = false;
  const std::vector<size_t> during = owners(balancer, view);
  int moved = 0;
  std::map<size_t, int> destinations;
  for (int i = 0; i < kKeys; ++i) {
    if (before[i] == 3) {
      ASSERT_NE(during[i], 3u);
      ASSERT_LT(during[i], 10u);
      ++moved;
      ++destinations[during[i]];
    } else {
      ASSERT_EQ(during[i], before[i]) << "key " << i << " moved though its server stayed";
    }
  }
  const double fraction = static_cast<double>(moved) / kKeys;
  RecordProperty("moved_fraction", std::to_string(fraction));
  EXPECT_GE(fraction, 0.07);
  EXPECT_LE(fraction, 0.13);
  EXPECT_EQ(destinations.size(), 9u) << "the keys of the server that left go to all the others";
  for (const auto& [server, count] : destinations) {
    EXPECT_GT(count, moved / 9 / 3) << "server " << server;
  }

  view.eligible_[3] = true;
  EXPECT_EQ(owners(balancer, view), before);
}

TEST(HashBalancer, AServerOutSendsItsKeysWhereARingWithoutItWould) {
  const UpstreamConfig upstream = upstream_of(addresses(10));
  const std::vector<BalancerMember> members = all_members(upstream);
  HashBalancer balancer(members);
  FakeServerView view(10);
  view.eligible_[3] = false;

  std::vector<std::string> nine = addresses(10);
  nine.erase(nine.begin() + 3);
  const UpstreamConfig removed = upstream_of(nine);
  const std::vector<BalancerMember> removed_members = all_members(removed);
  HashBalancer reduced(removed_members);

  const std::vector<size_t> out = owners(balancer, view);
  const std::vector<size_t> gone = owners(reduced, FakeServerView(9));
  for (int i = 0; i < kKeys; ++i) {
    ASSERT_EQ(upstream.servers[out[i]].address_text, removed.servers[gone[i]].address_text)
        << "key " << i;
  }
}

TEST(HashBalancer, RemovingAServerFromTheConfigMovesOnlyItsKeys) {
  const UpstreamConfig upstream = upstream_of(addresses(10));
  const std::vector<BalancerMember> members = all_members(upstream);
  HashBalancer full(members);
  std::vector<std::string> nine = addresses(10);
  nine.erase(nine.begin() + 7);
  const UpstreamConfig removed = upstream_of(nine);
  const std::vector<BalancerMember> removed_members = all_members(removed);
  HashBalancer reduced(removed_members);

  const std::vector<size_t> before = owners(full, FakeServerView(10));
  const std::vector<size_t> after = owners(reduced, FakeServerView(9));
  int moved = 0;
  for (int i = 0; i < kKeys; ++i) {
    const std::string& was = upstream.servers[before[i]].address_text;
    const std::string& is = removed.servers[after[i]].address_text;
    if (before[i] == 7) {
      ++moved;
    } else {
      ASSERT_EQ(is, was) << "key " << i;
    }
  }
  EXPECT_GE(moved, kKeys * 7 / 100);
  EXPECT_LE(moved, kKeys * 13 / 100);
}

TEST(HashBalancer, KeysOfServersThatStayNeverMoveWhateverElseIsOut) {
  const UpstreamConfig upstream = upstream_of(addresses(6));
  const std::vector<BalancerMember> members = all_members(upstream);
  HashBalancer balancer(members);
  FakeServerView view(6);
  const std::vector<size_t> before = owners(balancer, view);
  view.eligible_ = {true, false, true, false, false, true};
  const std::vector<size_t> during = owners(balancer, view);
  for (int i = 0; i < kKeys; ++i) {
    ASSERT_TRUE(view.eligible_[during[i]]) << "key " << i;
    if (view.eligible_[before[i]]) {
      ASSERT_EQ(during[i], before[i]) << "key " << i;
    }
  }
}

TEST(HashBalancer, PicksOnlyAmongItsMembers) {
  const UpstreamConfig upstream = upstream_of(addresses(6));
  const std::vector<BalancerMember> members = members_of(upstream, {1, 2, 4});
  HashBalancer balancer(members);
  FakeServerView view(6);
  std::set<size_t> used;
  for (size_t server : owners(balancer, view)) {
    used.insert(server);
  }
  EXPECT_EQ(used, (std::set<size_t>{1, 2, 4}));
  view.eligible_[2] = false;
  used.clear();
  for (size_t server : owners(balancer, view)) {
    used.insert(server);
  }
  EXPECT_EQ(used, (std::set<size_t>{1, 4}));
}

TEST(HashBalancer, NothingEligibleGivesNothing) {
  const UpstreamConfig upstream = upstream_of(addresses(3));
  const std::vector<BalancerMember> members = all_members(upstream);
  HashBalancer balancer(members);
  FakeServerView view(3);
  view.eligible_ = {false, false, false};
  EXPECT_EQ(sequence(balancer, view, 3, "key"), "---");
  EXPECT_EQ(sequence(balancer, view, 3), "---");
  view.eligible_[2] = true;
  EXPECT_EQ(sequence(balancer, view, 3, "key"), "CCC");
}

// Counts the questions a balancer asks, to bound the work of one pick.
class CountingView final : public ServerView {
 public:
  explicit CountingView(const ServerView& inner) : inner_(inner) {}
  bool eligible(size_t server) const override {
    ++questions;
    return inner_.eligible(server);
  }
  uint32_t active_requests(size_t server) const override { return inner_.active_requests(server); }

  mutable size_t questions = 0;

 private:
  const ServerView& inner_;
};

TEST(HashBalancer, WithEveryServerOutAPickDoesNotWalkTheRing) {
  const UpstreamConfig upstream = upstream_of(addresses(10), std::vector<uint32_t>(10, 100));
  const std::vector<BalancerMember> members = all_members(upstream);
  HashBalancer balancer(members);
  FakeServerView out(10);
  out.eligible_.assign(10, false);
  const CountingView view(out);
  EXPECT_EQ(balancer.pick({"key"}, view), std::nullopt);
  EXPECT_LE(view.questions, 11u) << "the owner, then each member once";
}

TEST(HashBalancer, RequestsWithoutAKeyGoRoundRobin) {
  const UpstreamConfig upstream = upstream_of(addresses(3), {2, 1, 1});
  const std::vector<BalancerMember> members = all_members(upstream);
  HashBalancer balancer(members);
  FakeServerView view(3);
  EXPECT_EQ(sequence(balancer, view, 8), "ABCAABCA");
  view.eligible_[0] = false;
  EXPECT_EQ(sequence(balancer, view, 4), "BCBC");
}

TEST(HashBalancer, NoMembersGivesNothing) {
  const UpstreamConfig upstream = upstream_of(addresses(2));
  HashBalancer balancer{std::span<const BalancerMember>()};
  EXPECT_EQ(sequence(balancer, FakeServerView(2), 2, "key"), "--");
  EXPECT_EQ(sequence(balancer, FakeServerView(2), 2), "--");
}

}  // namespace
}  // namespace relay7
