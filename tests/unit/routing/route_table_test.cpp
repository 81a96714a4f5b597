#include "relay7/routing/route_table.h"

#include <gtest/gtest.h>

#include "relay7/config/loader.h"

namespace relay7 {
namespace {

Config load(std::string_view text) {
  ConfigLoadResult result = parse_config_text(text, "test.json");
  EXPECT_TRUE(result.ok()) << (result.errors.empty() ? "" : result.errors.front());
  return result.ok() ? std::move(*result.config) : Config{};
}

constexpr std::string_view kPathRouting = R"({
  "upstreams": {
    "all": {"servers": ["127.0.0.1:2222"]},
    "summary": {"servers": ["127.0.0.1:3333"]},
    "api": {"servers": ["127.0.0.1:4444"]}
  },
  "servers": [{
    "listen": ["127.0.0.1:8080"],
    "locations": [
      {"path": "/", "proxy_pass": "http://all"},
      {"path": "/summary", "proxy_pass": "http://summary/"},
      {"path": "/api/", "proxy_pass": "http://api/v2/"},
      {"path": "/status", "match": "exact", "return": 204},
      {"path": "/admin", "return": 403}
    ]
  }]
})";

class RouteTableTest : public ::testing::Test {
 protected:
  Config config = load(kPathRouting);
  RouteTable routes{config};

  const VirtualServer& server() { return routes.server(routes.listeners()[0].select("")); }

  std::string upstream_path(std::string_view path) {
    const Location* location = server().match(path);
    EXPECT_NE(location, nullptr) << path;
    std::string out;
    if (!build_upstream_path(*location, std::get<ProxyAction>(location->action), path, out)) {
      return "refused";
    }
    return out;
  }
};

TEST_F(RouteTableTest, LongestPrefixWins) {
  EXPECT_EQ(server().match("/summary/x")->path, "/summary");
  EXPECT_EQ(server().match("/summaryx")->path, "/summary")
      << "prefixes match as strings, as in nginx";
  EXPECT_EQ(server().match("/api/users")->path, "/api/");
  EXPECT_EQ(server().match("/api")->path, "/") << "/api does not start with /api/";
  EXPECT_EQ(server().match("/other")->path, "/");
}

TEST_F(RouteTableTest, ExactMatchBeatsPrefix) {
  const Location* status = server().match("/status");
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(status->match, MatchKind::exact);
  EXPECT_EQ(std::get<LocalResponseAction>(status->action).status, 204);
  EXPECT_EQ(server().match("/status/x")->path, "/");
}

TEST_F(RouteTableTest, BlockedPrefixCoversEverythingBelowIt) {
  for (std::string_view path : {"/admin", "/admin/", "/admin/users", "/admin.php"}) {
    const Location* location = server().match(path);
    ASSERT_NE(location, nullptr);
    EXPECT_EQ(std::get<LocalResponseAction>(location->action).status, 403) << path;
  }
}

TEST_F(RouteTableTest, ProxyPassWithoutPathKeepsTheRequestPath) {
  EXPECT_EQ(upstream_path("/a/b"), "/a/b");
  EXPECT_EQ(upstream_path("/"), "/");
}

TEST_F(RouteTableTest, PrefixIsReplacedWithoutCreatingDoubleSlashes) {
  EXPECT_EQ(upstream_path("/summary/report"), "/report");
  EXPECT_EQ(upstream_path("/summary"), "/");
  EXPECT_EQ(upstream_path("/summary/"), "/");
  EXPECT_EQ(upstream_path("/summaryx"), "/x");
  EXPECT_EQ(upstream_path("/api/users"), "/v2/users");
  EXPECT_EQ(upstream_path("/api/"), "/v2/");
}

// Found by fuzz_request: "/summary.." is a plain segment of the request path, but once the
// prefix is replaced its ".." stands alone, and the backend would climb out of what was checked.
TEST_F(RouteTableTest, PrefixReplacementThatJoinsADotSegmentIsRefused) {
  EXPECT_EQ(upstream_path("/summary../admin"), "refused");
  EXPECT_EQ(upstream_path("/summary.."), "refused");
  EXPECT_EQ(upstream_path("/summary./admin"), "refused");
  EXPECT_EQ(upstream_path("/summary.x/admin"), "/.x/admin");
  EXPECT_EQ(upstream_path("/summary.../admin"), "/.../admin");
}

TEST(RouteTable, ExactLocationWithPrefixSendsThePrefix) {
  Config config = load(R"({"upstreams": {"u": {"servers": ["127.0.0.1:1"]}},
    "servers": [{"listen": ["127.0.0.1:8080"], "locations": [
      {"path": "/login", "match": "exact", "proxy_pass": "http://u/auth/login"}]}]})");
  RouteTable routes(config);
  const Location* location = routes.server(0).match("/login");
  ASSERT_NE(location, nullptr);
  std::string out;
  EXPECT_TRUE(
      build_upstream_path(*location, std::get<ProxyAction>(location->action), "/login", out));
  EXPECT_EQ(out, "/auth/login");
  EXPECT_EQ(routes.server(0).match("/login/x"), nullptr);
}

TEST(RouteTable, ServerSelectedByExactNameThenWildcardThenDefault) {
  Config config = load(R"({"upstreams": {"u": {"servers": ["127.0.0.1:1"]}},
    "servers": [
      {"listen": ["127.0.0.1:8080"], "locations": [{"path": "/", "return": 200}]},
      {"listen": ["127.0.0.1:8080"], "server_names": ["*.example.com"],
       "locations": [{"path": "/", "return": 201}]},
      {"listen": ["127.0.0.1:8080"], "server_names": ["www.example.com", "api.example.com"],
       "locations": [{"path": "/", "return": 202}]},
      {"listen": ["127.0.0.1:8080"], "server_names": ["*.eu.example.com"],
       "locations": [{"path": "/", "return": 203}]},
      {"listen": ["127.0.0.1:9090"], "locations": [{"path": "/", "return": 204}]}
    ]})");
  RouteTable routes(config);
  ASSERT_EQ(routes.listeners().size(), 2u);
  const ListenerRoutes& main = routes.listeners()[0];
  EXPECT_EQ(main.select("www.example.com"), 2u);
  EXPECT_EQ(main.select("shop.example.com"), 1u);
  EXPECT_EQ(main.select("a.eu.example.com"), 3u) << "the longest wildcard wins";
  EXPECT_EQ(main.select("example.com"), 0u) << "*.example.com does not match the bare domain";
  EXPECT_EQ(main.select("unknown.org"), 0u);
  EXPECT_EQ(main.select(""), 0u);
  EXPECT_EQ(routes.listeners()[1].select("www.example.com"), 4u);
}

TEST(NormalizeHost, LowercasesAndStripsPortAndTrailingDot) {
  EXPECT_EQ(normalize_host("Example.COM"), "example.com");
  EXPECT_EQ(normalize_host("example.com:8080"), "example.com");
  EXPECT_EQ(normalize_host("example.com."), "example.com");
  EXPECT_EQ(normalize_host("[::1]:8080"), "[::1]");
  EXPECT_EQ(normalize_host(""), "");
}

}  // namespace
}  // namespace relay7

namespace relay7 {
namespace {

TEST(RouteTable, IgnoreCaseMatchesAnySpellingOfThePath) {
  const Config config = load(R"({
    "upstreams": {"all": {"servers": ["127.0.0.1:2222"]}},
    "servers": [{"listen": ["127.0.0.1:8080"], "locations": [
      {"path": "/", "proxy_pass": "http://all"},
      {"path": "/Admin", "ignore_case": true, "return": 403},
      {"path": "/Health", "match": "exact", "ignore_case": true, "return": 204},
      {"path": "/Case", "return": 410}
    ]}]
  })");
  const RouteTable routes(config);
  const VirtualServer& server = routes.server(routes.listeners()[0].select(""));
  const auto status_of = [&](std::string_view path) {
    const Location* location = server.match(path);
    if (location == nullptr || !std::holds_alternative<LocalResponseAction>(location->action)) {
      return 0;
    }
    return std::get<LocalResponseAction>(location->action).status;
  };
  for (const char* path : {"/admin", "/ADMIN", "/aDmIn/users", "/Admin"}) {
    EXPECT_EQ(status_of(path), 403) << path;
  }
  EXPECT_EQ(status_of("/HEALTH"), 204);
  EXPECT_EQ(status_of("/health/x"), 0);
  // Without ignore_case the match stays exact to the byte.
  EXPECT_EQ(status_of("/Case"), 410);
  EXPECT_EQ(status_of("/case"), 0);
}

}  // namespace
}  // namespace relay7
