// An upstream whose servers include a name, as a worker runs it while the master publishes the
// name's addresses: members come and go without a reload, and nothing a request holds moves.
#include "relay7/upstream/upstream_runtime.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "relay7/event/handles.h"
#include "relay7/upstream/member_identity.h"

namespace relay7 {
namespace {

using ::testing::ElementsAre;

constexpr uint16_t kPort = 9;  // discard: nothing listens on loopback there, nothing is sent

SocketAddress ip(const std::string& host, uint16_t port = 0) {
  return *parse_numeric_address(host + ":" + std::to_string(port));
}

std::vector<SocketAddress> ips(const std::vector<std::string>& hosts, uint16_t port = 0) {
  std::vector<SocketAddress> out;
  for (const std::string& host : hosts) {
    out.push_back(ip(host, port));
  }
  return out;
}

class UpstreamRuntimeTest : public ::testing::Test {
 protected:
  // One upstream: the name app.test (at `hosts` when loaded) and, unless `name_only`, after it
  // 127.0.9.9.
  void start(BalanceMethod balance, const std::vector<std::string>& hosts, bool name_only = false) {
    UpstreamServerConfig name;
    name.address_text = "app.test:" + std::to_string(kPort);
    name.name = "app.test";
    name.port = kPort;
    name.addresses = ips(hosts, kPort);
    UpstreamServerConfig literal;
    literal.address_text = "127.0.9.9:" + std::to_string(kPort);
    literal.addresses = {ip("127.0.9.9", kPort)};
    UpstreamConfig upstream;
    upstream.name = "app";
    upstream.balance = balance;
    upstream.servers = {name};
    if (!name_only) {
      upstream.servers.push_back(literal);
    }
    upstream.sticky = StickyConfig{"route", "/", std::nullopt};
    config_.upstreams = {upstream};
    std::string error;
    registry_ = SharedStateRegistry::create(SharedTableSize{64, 2}, error);
    ASSERT_NE(registry_, nullptr) << error;
    const std::optional<SlotMap> slots = registry_->assign(config_, error);
    ASSERT_TRUE(slots) << error;
    runtime_ = std::make_unique<UpstreamRuntime>(pool_resources_, config_.upstreams[0],
                                                 registry_->table(), (*slots)[0], 0);
  }

  // What the master does when the name resolves again.
  void resolve_to(const std::vector<std::string>& hosts) {
    registry_->publish(registry_->names().begin()->first, ips(hosts));
  }

  std::vector<std::string> live_identities() const {
    std::vector<std::string> out;
    const UpstreamMembers& members = runtime_->members();
    for (size_t m = 0; m < members.size(); ++m) {
      if (members[m].live) {
        out.push_back(members[m].identity);
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::optional<size_t> member_named(const std::string& identity) const {
    const UpstreamMembers& members = runtime_->members();
    for (size_t m = 0; m < members.size(); ++m) {
      if (members[m].live && members[m].identity == identity) {
        return m;
      }
    }
    return std::nullopt;
  }

  std::optional<size_t> choose(std::string_view key) {
    std::vector<uint32_t> excluded;
    return runtime_->choose(BalanceRequest{key}, std::nullopt, excluded, monotonic_ms());
  }

  // The identity of the member each of `count` keys goes to.
  std::vector<std::string> owners(int count) {
    std::vector<std::string> out;
    for (int key = 0; key < count; ++key) {
      const std::optional<size_t> member = choose("key-" + std::to_string(key));
      out.push_back(member ? runtime_->members()[*member].identity : "-");
    }
    return out;
  }

  EventBasePtr base_{event_base_new()};
  BlockPool blocks_;
  ParserLimits pool_limits_;
  PoolResources pool_resources_{base_.get(), &blocks_, &pool_limits_};
  Config config_;
  std::unique_ptr<SharedStateRegistry> registry_;
  std::unique_ptr<UpstreamRuntime> runtime_;
};

TEST_F(UpstreamRuntimeTest, ANameIsAMemberPerAddressBesideTheIpAddressServers) {
  start(BalanceMethod::round_robin, {"127.0.1.1", "127.0.1.2"});
  EXPECT_THAT(live_identities(),
              ElementsAre("127.0.9.9:9", "app.test:9/127.0.1.1", "app.test:9/127.0.1.2"));
  std::set<std::string> chosen;
  for (int i = 0; i < 6; ++i) {
    chosen.insert(runtime_->members()[*choose({})].identity);
  }
  EXPECT_EQ(chosen.size(), 3u) << "round robin spreads over every address";
  const size_t member = *member_named("app.test:9/127.0.1.2");
  EXPECT_EQ(runtime_->address_text(member), "app.test:9") << "the Host of a request without one";
  EXPECT_EQ(runtime_->pool(member).address_text(), "127.0.1.2:9") << "what logs name";
}

TEST_F(UpstreamRuntimeTest, MembersFollowThePublishedAddressesWithoutAReload) {
  start(BalanceMethod::round_robin, {"127.0.1.1", "127.0.1.2"});
  EXPECT_FALSE(runtime_->refresh_members()) << "nothing was published";
  const size_t stays = *member_named("app.test:9/127.0.1.1");

  resolve_to({"127.0.1.1", "127.0.1.3"});
  EXPECT_TRUE(runtime_->refresh_members());
  EXPECT_FALSE(runtime_->refresh_members()) << "taken up once";
  EXPECT_THAT(live_identities(),
              ElementsAre("127.0.9.9:9", "app.test:9/127.0.1.1", "app.test:9/127.0.1.3"));
  EXPECT_EQ(member_named("app.test:9/127.0.1.1"), stays) << "an address that stays keeps its index";
  std::set<std::string> chosen;
  for (int i = 0; i < 9; ++i) {
    chosen.insert(runtime_->members()[*choose({})].identity);
  }
  EXPECT_EQ(chosen,
            (std::set<std::string>{"127.0.9.9:9", "app.test:9/127.0.1.1", "app.test:9/127.0.1.3"}));
}

// A consistent ring over identities: the keys of an address that left spread over the others,
// an address that arrives takes only its own share, and no other key moves.
TEST_F(UpstreamRuntimeTest, WithHashOnlyTheKeysOfTheAddressesThatChangedMove) {
  start(BalanceMethod::hash, {"127.0.1.1", "127.0.1.2", "127.0.1.3"});
  const std::vector<std::string> before = owners(300);
  resolve_to({"127.0.1.1", "127.0.1.3", "127.0.1.4"});
  ASSERT_TRUE(runtime_->refresh_members());
  const std::vector<std::string> after = owners(300);
  size_t left = 0;
  size_t arrived = 0;
  for (size_t key = 0; key < before.size(); ++key) {
    if (before[key] == after[key]) {
      continue;
    }
    EXPECT_TRUE(before[key] == "app.test:9/127.0.1.2" || after[key] == "app.test:9/127.0.1.4")
        << "key " << key << " moved from " << before[key] << " to " << after[key];
    left += before[key] == "app.test:9/127.0.1.2";
    arrived += after[key] == "app.test:9/127.0.1.4";
  }
  EXPECT_GT(left, 0u) << "the address that left had no keys: the test proves nothing";
  EXPECT_GT(arrived, 0u);
  EXPECT_EQ(std::count(after.begin(), after.end(), "app.test:9/127.0.1.2"), 0);
}

TEST_F(UpstreamRuntimeTest, StickyCookiesOfAddressesThatStayKeepWorking) {
  start(BalanceMethod::round_robin, {"127.0.1.1", "127.0.1.2"});
  const size_t stays = *member_named("app.test:9/127.0.1.1");
  const size_t leaves = *member_named("app.test:9/127.0.1.2");
  const std::string stays_cookie(runtime_->sticky()->set_cookie_value(stays));
  const std::string leaves_cookie(runtime_->sticky()->set_cookie_value(leaves));
  const auto id = [](const std::string& set_cookie) {
    return set_cookie.substr(6, 16);  // "route=" then the ID
  };
  resolve_to({"127.0.1.1", "127.0.1.3"});
  ASSERT_TRUE(runtime_->refresh_members());
  EXPECT_EQ(runtime_->sticky()->server_for(id(stays_cookie)), stays);
  EXPECT_EQ(runtime_->sticky()->server_for(id(leaves_cookie)), std::nullopt);
  EXPECT_EQ(runtime_->sticky()->set_cookie_value(stays), stays_cookie);
}

TEST_F(UpstreamRuntimeTest, AMemberThatLeftKeepsItsIndexUntilItsLastConnectionIsGone) {
  start(BalanceMethod::round_robin, {"127.0.1.1", "127.0.1.2"});
  const size_t leaves = *member_named("app.test:9/127.0.1.2");
  // A request in flight: its connection refers to the member's pool.
  std::unique_ptr<Http1ClientSession> in_flight = runtime_->pool(leaves).connect_new();
  ASSERT_NE(in_flight, nullptr);
  resolve_to({"127.0.1.1"});
  ASSERT_TRUE(runtime_->refresh_members());
  resolve_to({"127.0.1.1", "127.0.1.3"});
  ASSERT_TRUE(runtime_->refresh_members());
  const size_t arrived = *member_named("app.test:9/127.0.1.3");
  EXPECT_NE(arrived, leaves) << "the index is still in use";
  EXPECT_EQ(&in_flight->pool(), &runtime_->pool(leaves));
  runtime_->pool(leaves).release(std::move(in_flight));  // the request ends
  EXPECT_EQ(runtime_->pool(leaves).idle_count(), 0u) << "a member that left keeps nothing idle";

  resolve_to({"127.0.1.1", "127.0.1.3", "127.0.1.4"});
  ASSERT_TRUE(runtime_->refresh_members());
  EXPECT_EQ(member_named("app.test:9/127.0.1.4"), leaves) << "now nothing holds it: reused";
  EXPECT_EQ(runtime_->members().size(), 4u) << "members do not pile up";
}

TEST_F(UpstreamRuntimeTest, LateReportsOfAMemberThatLeftDoNotTouchItsSuccessor) {
  start(BalanceMethod::least_conn, {"127.0.1.1", "127.0.1.2"});
  const size_t leaves = *member_named("app.test:9/127.0.1.2");
  ServerSlot& slot = *runtime_->members()[leaves].slot;
  runtime_->begin_attempt(leaves);
  EXPECT_EQ(slot.active.load(), 1);
  std::unique_ptr<Http1ClientSession> in_flight = runtime_->pool(leaves).connect_new();
  resolve_to({"127.0.1.1", "127.0.1.3"});
  ASSERT_TRUE(runtime_->refresh_members());
  const size_t successor = *member_named("app.test:9/127.0.1.3");
  EXPECT_EQ(runtime_->members()[successor].slot, &slot) << "it took the free position";

  runtime_->report_failure(leaves, monotonic_ms());
  runtime_->report_failure(leaves, monotonic_ms());
  EXPECT_EQ(slot.fails.load(), 0u);
  EXPECT_TRUE(runtime_->available(successor, monotonic_ms()));
  runtime_->end_attempt(leaves);
  EXPECT_EQ(slot.active.load(), 0) << "what it counted in flight is still taken back";
}

// As for an upstream of one server: its requests could go nowhere else.
TEST_F(UpstreamRuntimeTest, TheOnlyAddressOfAnUpstreamIsNeverTakenOutByFailures) {
  start(BalanceMethod::round_robin, {"127.0.1.1"}, true);
  const size_t first = *member_named("app.test:9/127.0.1.1");
  runtime_->report_failure(first, monotonic_ms());
  EXPECT_TRUE(runtime_->available(first, monotonic_ms()));
  resolve_to({"127.0.1.1", "127.0.1.2"});
  ASSERT_TRUE(runtime_->refresh_members());
  runtime_->report_failure(first, monotonic_ms());
  EXPECT_FALSE(runtime_->available(first, monotonic_ms())) << "two members: it goes out";
}

TEST(NamePositions, AnAddressKeepsItsPositionAndANewOneTakesTheLowestFree) {
  NamePositions positions(4);
  PositionChange first = place_addresses(positions, ips({"10.0.0.1", "10.0.0.2", "10.0.0.3"}));
  EXPECT_EQ(first.added.size(), 3u);
  EXPECT_THAT(first.changed, ElementsAre(0u, 1u, 2u));
  const PositionChange second = place_addresses(positions, ips({"10.0.0.3", "10.0.0.4"}));
  EXPECT_EQ(second.removed, ips({"10.0.0.1", "10.0.0.2"}));
  EXPECT_EQ(second.added, ips({"10.0.0.4"}));
  EXPECT_THAT(second.changed, ElementsAre(0u, 1u));
  EXPECT_EQ(positions[0], ip("10.0.0.4"));
  EXPECT_EQ(positions[1], std::nullopt);
  EXPECT_EQ(positions[2], ip("10.0.0.3"));
  EXPECT_TRUE(place_addresses(positions, ips({"10.0.0.4", "10.0.0.3"})).empty());
}

TEST(NamePositions, AddressesBeyondThePositionsAreLeftOut) {
  NamePositions positions(2);
  const PositionChange change =
      place_addresses(positions, ips({"10.0.0.1", "10.0.0.2", "10.0.0.3"}));
  EXPECT_EQ(change.added, ips({"10.0.0.1", "10.0.0.2"}));
}

TEST(MemberIdentity, AnIpAddressServerIsItselfAndANameMemberIsNamePortAddress) {
  UpstreamServerConfig literal;
  literal.address_text = "10.0.0.1:80";
  literal.addresses = {ip("10.0.0.1", 80)};
  EXPECT_EQ(member_identity(literal, literal.addresses[0]), "10.0.0.1:80");
  UpstreamServerConfig name;
  name.address_text = "App.Internal:80";
  name.name = "app.internal";
  name.port = 80;
  EXPECT_EQ(member_identity(name, ip("10.0.0.7", 80)), "app.internal:80/10.0.0.7");
  EXPECT_EQ(member_identity(name, *parse_numeric_address("[2001:db8::7]:80")),
            "app.internal:80/2001:db8::7");
}

}  // namespace
}  // namespace relay7
