#include "relay7/upstream/sticky_cookie.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

#include "balancer_test_util.h"

namespace relay7 {
namespace {

using testing::addresses;
using testing::upstream_of;

UpstreamConfig sticky_upstream(const std::vector<std::string>& servers) {
  UpstreamConfig upstream = upstream_of(servers);
  upstream.sticky = StickyConfig{};
  upstream.sticky->cookie = "route";
  return upstream;
}

// The ID in "route=ID; Path=...".
std::string id_in(std::string_view set_cookie) {
  const size_t equals = set_cookie.find('=');
  return std::string(set_cookie.substr(equals + 1, set_cookie.find(';') - equals - 1));
}

// Over every server of the upstream, each its own member.
StickyCookie cookie_for(const UpstreamConfig& upstream) {
  return StickyCookie(upstream, testing::all_members(upstream));
}

TEST(StickyCookie, SetsASessionCookieWithAnOpaqueId) {
  const StickyCookie sticky = cookie_for(sticky_upstream({"127.0.0.1:2222", "127.0.0.1:3333"}));
  EXPECT_EQ(sticky.cookie_name(), "route");
  for (size_t server = 0; server < 2; ++server) {
    const std::string value(sticky.set_cookie_value(server));
    const std::string id = id_in(value);
    EXPECT_EQ(value, "route=" + id + "; Path=/; HttpOnly");
    EXPECT_EQ(id.size(), 16u) << value;
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << value;
    EXPECT_EQ(value.find("127.0.0.1"), std::string::npos) << value;
    EXPECT_EQ(value.find("2222"), std::string::npos) << value;
  }
}

TEST(StickyCookie, IdIsFixedByUpstreamNameAndAddress) {
  // The same on every worker, reload, restart and relay7 version: part of the contract.
  const StickyCookie sticky = cookie_for(sticky_upstream({"127.0.0.1:2222"}));
  EXPECT_EQ(sticky.set_cookie_value(0), "route=205e3792cd0ed272; Path=/; HttpOnly");
}

TEST(StickyCookie, IdDoesNotDependOnTheServerOrder) {
  const StickyCookie forward = cookie_for(sticky_upstream({"a:1", "b:1", "c:1"}));
  const StickyCookie backward = cookie_for(sticky_upstream({"c:1", "b:1", "a:1"}));
  EXPECT_EQ(forward.set_cookie_value(0), backward.set_cookie_value(2));
  EXPECT_EQ(forward.set_cookie_value(1), backward.set_cookie_value(1));
  EXPECT_EQ(forward.set_cookie_value(2), backward.set_cookie_value(0));
}

TEST(StickyCookie, UpstreamsSharingAServerGiveItDifferentIds) {
  UpstreamConfig other = sticky_upstream({"127.0.0.1:2222"});
  other.name = "other";
  const StickyCookie first = cookie_for(sticky_upstream({"127.0.0.1:2222"}));
  const StickyCookie second = cookie_for(other);
  const std::string id = id_in(second.set_cookie_value(0));
  EXPECT_NE(id_in(first.set_cookie_value(0)), id);
  EXPECT_EQ(first.server_for(id), std::nullopt);
}

TEST(StickyCookie, EachIdLeadsBackToItsServer) {
  const UpstreamConfig upstream = sticky_upstream(addresses(50));
  const StickyCookie sticky = cookie_for(upstream);
  std::set<std::string> ids;
  for (size_t server = 0; server < upstream.servers.size(); ++server) {
    const std::string id = id_in(sticky.set_cookie_value(server));
    ids.insert(id);
    EXPECT_EQ(sticky.server_for(id), server) << id;
  }
  EXPECT_EQ(ids.size(), upstream.servers.size());
}

TEST(StickyCookie, RefusesValuesNoServerHas) {
  const StickyCookie sticky = cookie_for(sticky_upstream({"127.0.0.1:2222"}));
  const std::string id = id_in(sticky.set_cookie_value(0));
  ASSERT_EQ(sticky.server_for(id), 0u);
  std::string upper = id;
  for (char& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  ASSERT_NE(upper, id);
  for (const std::string& value :
       {std::string(), upper, id.substr(1), id + "0", "0" + id, id.substr(0, 15) + "g",
        id.substr(0, 15) + " ", std::string("0000000000000000"), std::string(16, '\0')}) {
    EXPECT_EQ(sticky.server_for(value), std::nullopt) << value;
  }
}

TEST(StickyCookie, MaxAgeInWholeSecondsAndPath) {
  UpstreamConfig upstream = sticky_upstream({"127.0.0.1:2222"});
  upstream.sticky->path = "/app";
  upstream.sticky->max_age = std::chrono::hours(1);
  const StickyCookie hour = cookie_for(upstream);
  const std::string id = id_in(hour.set_cookie_value(0));
  EXPECT_EQ(hour.set_cookie_value(0), "route=" + id + "; Path=/app; Max-Age=3600; HttpOnly");

  upstream.sticky->max_age = std::chrono::milliseconds(1500);
  const StickyCookie rounded = cookie_for(upstream);
  EXPECT_EQ(rounded.set_cookie_value(0), "route=" + id + "; Path=/app; Max-Age=2; HttpOnly");
}

TEST(StickyCookie, InstancesAgree) {
  const UpstreamConfig upstream = sticky_upstream(addresses(5));
  const StickyCookie first = cookie_for(upstream);
  const StickyCookie second = cookie_for(upstream);  // another worker, or after a reload
  for (size_t server = 0; server < 5; ++server) {
    EXPECT_EQ(first.set_cookie_value(server), second.set_cookie_value(server));
    EXPECT_EQ(second.server_for(id_in(first.set_cookie_value(server))), server);
  }
}

// A name's members: the ID comes from the member's identity, so an address that stays keeps its
// cookie while others come and go, and a cookie of an address that left names nothing.
TEST(StickyCookie, MembersOfANameKeepTheirIdsWhileOthersComeAndGo) {
  UpstreamConfig upstream = sticky_upstream({"app.test:80"});
  const auto member = [](size_t server, const std::string& identity) {
    return BalancerMember{server, 1, identity};
  };
  const std::vector<BalancerMember> before = {member(0, "app.test:80/10.0.0.1"),
                                              member(1, "app.test:80/10.0.0.2")};
  // .2 left (its index 1 stays unused while requests may hold it), .3 came as index 2.
  const std::vector<BalancerMember> after = {member(0, "app.test:80/10.0.0.1"),
                                             member(2, "app.test:80/10.0.0.3")};
  const StickyCookie old_cookie(upstream, before);
  const StickyCookie new_cookie(upstream, after);
  EXPECT_EQ(new_cookie.set_cookie_value(0), old_cookie.set_cookie_value(0));
  EXPECT_EQ(new_cookie.server_for(id_in(old_cookie.set_cookie_value(0))), 0u);
  EXPECT_EQ(new_cookie.server_for(id_in(old_cookie.set_cookie_value(1))), std::nullopt);
  EXPECT_EQ(new_cookie.set_cookie_value(1), "") << "not a member: no cookie";
  EXPECT_EQ(new_cookie.set_cookie_value(7), "");
  EXPECT_EQ(new_cookie.server_for(id_in(new_cookie.set_cookie_value(2))), 2u);
}

}  // namespace
}  // namespace relay7
