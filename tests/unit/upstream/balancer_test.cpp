#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "relay7/upstream/hash_ring.h"
#include "relay7/upstream/ip_hash.h"
#include "relay7/upstream/round_robin.h"

namespace relay7 {
namespace {

std::string sequence(SmoothWeightedRoundRobin& balancer, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    out += static_cast<char>('A' + balancer.pick({}));
  }
  return out;
}

TEST(SmoothWeightedRoundRobin, EqualWeightsRotate) {
  SmoothWeightedRoundRobin balancer({1, 1, 1, 1});
  EXPECT_EQ(sequence(balancer, 8), "ABCDABCD");
}

TEST(SmoothWeightedRoundRobin, WeightsInterleaveSmoothly) {
  SmoothWeightedRoundRobin balancer({5, 1, 1});
  EXPECT_EQ(sequence(balancer, 14), "AABACAAAABACAA");
}

TEST(SmoothWeightedRoundRobin, SharesFollowWeights) {
  SmoothWeightedRoundRobin balancer({1, 2});
  std::map<char, int> counts;
  for (char c : sequence(balancer, 300)) {
    ++counts[c];
  }
  EXPECT_EQ(counts['A'], 100);
  EXPECT_EQ(counts['B'], 200);
}

UpstreamConfig upstream_of(std::initializer_list<std::string> addresses) {
  UpstreamConfig upstream;
  upstream.balance = BalanceMethod::ip_hash;
  for (const std::string& address : addresses) {
    UpstreamServerConfig server;
    server.address_text = address;
    upstream.servers.push_back(server);
  }
  return upstream;
}

std::string ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return std::string{static_cast<char>(a), static_cast<char>(b), static_cast<char>(c),
                     static_cast<char>(d)};
}

TEST(StableHash, IsFixedAcrossBuildsAndRuns) {
  // Sticky sessions must survive restarts and upgrades: the hash is part of the contract.
  EXPECT_EQ(stable_hash(""), stable_hash(""));
  EXPECT_NE(stable_hash("a"), stable_hash("b"));
  EXPECT_EQ(stable_hash("127.0.0.1:2222#0"), stable_hash(std::string("127.0.0.1:2222#0")));
}

TEST(IpHash, SameClientAlwaysSameServerAndInstancesAgree) {
  const UpstreamConfig upstream =
      upstream_of({"127.0.0.1:2222", "127.0.0.1:3333", "127.0.0.1:4444", "127.0.0.1:5555"});
  IpHashBalancer first(upstream);
  IpHashBalancer second(upstream);  // another worker or another relay7 instance
  for (int i = 1; i < 200; ++i) {
    const std::string client = ipv4(10, 0, static_cast<uint8_t>(i / 256), static_cast<uint8_t>(i));
    const size_t chosen = first.pick({client});
    EXPECT_EQ(first.pick({client}), chosen);
    EXPECT_EQ(second.pick({client}), chosen);
  }
}

TEST(IpHash, UsesTheWholeAddress) {
  const UpstreamConfig upstream =
      upstream_of({"127.0.0.1:2222", "127.0.0.1:3333", "127.0.0.1:4444", "127.0.0.1:5555"});
  IpHashBalancer balancer(upstream);
  std::set<size_t> used;
  for (int last = 1; last < 64; ++last) {
    used.insert(balancer.pick({ipv4(192, 168, 1, static_cast<uint8_t>(last))}));
  }
  EXPECT_EQ(used.size(), 4u) << "clients of one /24 must not all land on one server";
}

TEST(IpHash, DistributionIsRoughlyEven) {
  const UpstreamConfig upstream =
      upstream_of({"127.0.0.1:2222", "127.0.0.1:3333", "127.0.0.1:4444", "127.0.0.1:5555"});
  IpHashBalancer balancer(upstream);
  std::map<size_t, int> counts;
  for (int i = 0; i < 40000; ++i) {
    ++counts[balancer.pick({ipv4(10, static_cast<uint8_t>(i >> 16), static_cast<uint8_t>(i >> 8),
                                 static_cast<uint8_t>(i))})];
  }
  for (const auto& [server, count] : counts) {
    EXPECT_GT(count, 7000) << "server " << server;
    EXPECT_LT(count, 13000) << "server " << server;
  }
}

TEST(HashRing, RemovingOneMemberMovesOnlyItsKeys) {
  std::vector<HashRing::Member> members;
  for (int i = 0; i < 10; ++i) {
    members.push_back({"10.0.0." + std::to_string(i) + ":80", 1});
  }
  const HashRing full(members);
  std::vector<HashRing::Member> fewer = members;
  fewer.erase(fewer.begin() + 3);
  const HashRing reduced(fewer);
  int moved = 0;
  constexpr int kKeys = 20000;
  for (int key = 0; key < kKeys; ++key) {
    const uint64_t hash = stable_hash("client-" + std::to_string(key));
    const std::string& before = members[full.lookup(hash)].identity;
    const std::string& after = fewer[reduced.lookup(hash)].identity;
    if (before != after) {
      ++moved;
      EXPECT_EQ(before, members[3].identity) << "a key moved that was not on the removed member";
    }
  }
  EXPECT_LT(moved, kKeys / 10 + kKeys / 20) << "about 1/10 of the keys may move";
  EXPECT_GT(moved, 0);
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

}  // namespace
}  // namespace relay7
