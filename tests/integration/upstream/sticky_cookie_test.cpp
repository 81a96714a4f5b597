// "sticky": {"cookie": ...}: the first response names its server in a cookie (not its address),
// later requests carrying it stay there while the server is available, and move when it is not.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "support/backend_group.h"
#include "support/http_connection.h"
#include "support/relay7_process.h"

namespace {

using relay7::testing::BackendGroup;
using relay7::testing::HttpResponse;
using relay7::testing::Relay7Process;

std::string set_cookie_of(const HttpResponse& response) {
  return response.header("Set-Cookie");
}

// "relay7_srv=ID" from a Set-Cookie value.
std::string cookie_pair(const std::string& set_cookie) {
  return set_cookie.substr(0, set_cookie.find(';'));
}

class StickyCookieTest : public ::testing::Test {
 protected:
  StickyCookieTest()
      : relay_(BackendGroup::config_with({{"sticky", {{"cookie", "relay7_srv"}, {"max_age", "1h"}}},
                                          {"max_fails", 1},
                                          {"fail_timeout", "30s"},
                                          {"servers", backends_.server_list()}})) {}

  BackendGroup backends_{3};
  Relay7Process relay_;
};

TEST_F(StickyCookieTest, FirstResponseSetsACookieThatNamesTheServerWithoutItsAddress) {
  const HttpResponse response = relay7::testing::http_get(relay_.port(), "/");
  ASSERT_EQ(response.status, 200);
  const std::string set_cookie = set_cookie_of(response);
  const std::string prefix = "relay7_srv=";
  const std::string suffix = "; Path=/; Max-Age=3600; HttpOnly";
  ASSERT_EQ(set_cookie.size(), prefix.size() + 16 + suffix.size()) << set_cookie;
  EXPECT_TRUE(set_cookie.starts_with(prefix)) << set_cookie;
  EXPECT_TRUE(set_cookie.ends_with(suffix)) << set_cookie;
  const std::string id = set_cookie.substr(prefix.size(), 16);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << set_cookie;
  for (size_t i = 0; i < backends_.size(); ++i) {
    EXPECT_EQ(set_cookie.find(std::to_string(backends_.port(i))), std::string::npos);
  }
}

TEST_F(StickyCookieTest, RequestsWithTheCookieStayOnItsServerAndGetNoNewCookie) {
  const HttpResponse first = relay7::testing::http_get(relay_.port(), "/");
  const size_t server = backends_.served_by(first);
  const std::string cookie = cookie_pair(set_cookie_of(first));
  for (int i = 0; i < 9; ++i) {
    const HttpResponse next =
        relay7::testing::http_get(relay_.port(), "/again", {{"Cookie", "a=b; " + cookie}});
    EXPECT_EQ(backends_.served_by(next), server);
    EXPECT_EQ(set_cookie_of(next), "");
  }
}

TEST_F(StickyCookieTest, EachServerGetsItsOwnCookie) {
  std::set<std::string> cookies;
  std::set<size_t> servers;
  for (int i = 0; i < 6; ++i) {
    const HttpResponse response = relay7::testing::http_get(relay_.port(), "/");
    cookies.insert(cookie_pair(set_cookie_of(response)));
    servers.insert(backends_.served_by(response));
  }
  EXPECT_EQ(cookies.size(), servers.size());
  EXPECT_EQ(servers.size(), backends_.size());
}

TEST_F(StickyCookieTest, ClientMovesWithANewCookieWhenItsServerDies) {
  const HttpResponse first = relay7::testing::http_get(relay_.port(), "/");
  const size_t server = backends_.served_by(first);
  const std::string cookie = cookie_pair(set_cookie_of(first));
  backends_.kill(server);
  const HttpResponse moved =
      relay7::testing::http_get(relay_.port(), "/moved", {{"Cookie", cookie}});
  ASSERT_EQ(moved.status, 200) << moved.reason;
  const size_t new_server = backends_.served_by(moved);
  EXPECT_NE(new_server, server);
  const std::string new_cookie = cookie_pair(set_cookie_of(moved));
  EXPECT_NE(new_cookie, "");
  EXPECT_NE(new_cookie, cookie);
  const HttpResponse stays =
      relay7::testing::http_get(relay_.port(), "/stays", {{"Cookie", new_cookie}});
  EXPECT_EQ(backends_.served_by(stays), new_server);
}

TEST_F(StickyCookieTest, UnknownCookieValueIsBalancedNormally) {
  const HttpResponse response =
      relay7::testing::http_get(relay_.port(), "/", {{"Cookie", "relay7_srv=not-a-server"}});
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(set_cookie_of(response), "");
}

}  // namespace
