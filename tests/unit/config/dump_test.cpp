#include "relay7/config/dump.h"

#include <gtest/gtest.h>

#include "relay7/config/loader.h"

namespace relay7 {
namespace {

TEST(FormatDurationTest, UsesTheLargestExactUnit) {
  EXPECT_EQ(format_duration(Duration(250)), "250ms");
  EXPECT_EQ(format_duration(Duration(0)), "0s");
  EXPECT_EQ(format_duration(Duration(10000)), "10s");
  EXPECT_EQ(format_duration(Duration(120000)), "2m");
  EXPECT_EQ(format_duration(Duration(90000)), "90s");
  EXPECT_EQ(format_duration(Duration(3600000)), "1h");
}

TEST(DumpConfigTest, FillsInDefaultsAndLoadsBackToTheSameConfig) {
  const std::string text = R"({
    "upstreams": {"app": {"balance": "ip_hash", "servers": ["127.0.0.1:2222",
                                                            {"address": "127.0.0.1:3333", "weight": 3}]}},
    "servers": [{"listen": ["127.0.0.1:8080"], "server_names": ["example.com"], "locations": [
      {"path": "/", "proxy_pass": "http://app"},
      {"path": "/summary", "proxy_pass": "http://127.0.0.1:4444/"},
      {"path": "/old", "return": {"status": 301, "location": "https://example.com/new"}},
      {"path": "/status", "match": "exact", "return": 204}
    ]}]
  })";
  const ConfigLoadResult first = parse_config_text(text, "first.json");
  ASSERT_TRUE(first.ok()) << first.errors.front();
  const nlohmann::ordered_json dumped = dump_config(*first.config);
  EXPECT_EQ(dumped["workers"], "auto");
  EXPECT_EQ(dumped["timeouts"]["upstream_connect"], "5s");
  EXPECT_EQ(dumped["upstreams"]["app"]["keepalive"], 32);
  EXPECT_EQ(dumped["servers"][0]["locations"][1]["proxy_pass"], "http://127.0.0.1:4444/");

  const ConfigLoadResult second = parse_config_text(dumped.dump(), "dumped.json");
  ASSERT_TRUE(second.ok()) << second.errors.front();
  EXPECT_EQ(dump_config(*second.config), dumped);
}

// Every key of an upstream and a location that this loader knows, each away from its default.
constexpr const char* kEveryUpstreamKey = R"({
  "upstreams": {
    "app": {
      "balance": "hash", "hash_key": "$http_X_User", "keepalive": 4, "resolve": "5s",
      "max_fails": 5, "fail_timeout": "30s",
      "servers": ["127.0.0.1:2222",
                  {"address": "127.0.0.1:3333", "weight": 3, "max_fails": 0, "fail_timeout": "1m"},
                  {"address": "127.0.0.1:4444", "down": true},
                  {"address": "127.0.0.1:5555", "backup": true}],
      "next_upstream_tries": 2, "next_upstream_timeout": "15s", "fail_on_status": [502, 503],
      "health_check": {"path": "/ping", "interval": "5s", "timeout": "500ms", "rise": 1,
                       "fall": 5, "expect_status": [200, 204]},
      "sticky": {"cookie": "srv", "path": "/app", "max_age": "1h"}
    },
    "plain": {"balance": "least_conn", "servers": ["127.0.0.1:6666"]}
  },
  "servers": [{"listen": ["127.0.0.1:8080"], "locations": [
    {"path": "/", "proxy_pass": "http://app", "retry_non_idempotent": true},
    {"path": "/plain", "proxy_pass": "http://plain"},
    {"path": "/status", "return": 204},
    {"path": "/metrics", "match": "exact", "serve": "metrics"}
  ]}]
})";

nlohmann::ordered_json dump_of(const std::string& text) {
  const ConfigLoadResult loaded = parse_config_text(text, "dump.json");
  EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors.front());
  return loaded.ok() ? dump_config(*loaded.config) : nlohmann::ordered_json();
}

TEST(DumpConfigTest, WritesEveryUpstreamKey) {
  const nlohmann::ordered_json app = dump_of(kEveryUpstreamKey)["upstreams"]["app"];
  EXPECT_EQ(app, nlohmann::ordered_json::parse(R"({
    "balance": "hash", "hash_key": "$http_X_User", "keepalive": 4, "resolve": "5s",
    "servers": [
      {"address": "127.0.0.1:2222", "weight": 1, "max_fails": 5, "fail_timeout": "30s",
       "backup": false, "down": false},
      {"address": "127.0.0.1:3333", "weight": 3, "max_fails": 0, "fail_timeout": "1m",
       "backup": false, "down": false},
      {"address": "127.0.0.1:4444", "weight": 1, "max_fails": 5, "fail_timeout": "30s",
       "backup": false, "down": true},
      {"address": "127.0.0.1:5555", "weight": 1, "max_fails": 5, "fail_timeout": "30s",
       "backup": true, "down": false}],
    "next_upstream_tries": 2, "next_upstream_timeout": "15s", "fail_on_status": [502, 503],
    "health_check": {"path": "/ping", "interval": "5s", "timeout": "500ms", "rise": 1,
                     "fall": 5, "expect_status": [200, 204]},
    "sticky": {"cookie": "srv", "path": "/app", "max_age": "1h"}
  })"));
}

TEST(DumpConfigTest, WritesTheDefaultsOfAPlainUpstream) {
  const nlohmann::ordered_json dumped = dump_of(kEveryUpstreamKey);
  EXPECT_EQ(dumped["upstreams"]["plain"], nlohmann::ordered_json::parse(R"({
    "balance": "least_conn", "keepalive": 32, "resolve": "30s",
    "servers": [{"address": "127.0.0.1:6666", "weight": 1, "max_fails": 1, "fail_timeout": "10s",
                 "backup": false, "down": false}],
    "next_upstream_tries": 0, "next_upstream_timeout": "0s", "fail_on_status": []
  })"));
  const auto& locations = dumped["servers"][0]["locations"];
  EXPECT_EQ(locations[0]["retry_non_idempotent"], true);
  EXPECT_EQ(locations[1]["retry_non_idempotent"], false);
  // A location that answers itself has nothing to retry.
  EXPECT_FALSE(locations[2].contains("retry_non_idempotent"));
  EXPECT_EQ(locations[3]["serve"], "metrics");
  EXPECT_FALSE(locations[3].contains("retry_non_idempotent"));
}

TEST(DumpConfigTest, AServeLocationLoadsBackTheSame) {
  const nlohmann::ordered_json dumped = dump_of(kEveryUpstreamKey);
  EXPECT_EQ(dump_of(dumped.dump()), dumped);
}

TEST(DumpConfigTest, SessionStickyCookieHasNoMaxAge) {
  const nlohmann::ordered_json dumped = dump_of(R"({
    "upstreams": {"app": {"servers": ["127.0.0.1:2222"], "sticky": {"cookie": "srv"}}},
    "servers": [{"listen": ["8080"], "locations": [{"path": "/", "proxy_pass": "http://app"}]}]
  })");
  EXPECT_EQ(dumped["upstreams"]["app"]["sticky"],
            nlohmann::ordered_json::parse(R"({"cookie": "srv", "path": "/"})"));
  EXPECT_FALSE(dumped["upstreams"]["app"].contains("health_check"));
  EXPECT_FALSE(dumped["upstreams"]["app"].contains("hash_key"));
}

TEST(DumpConfigTest, ResolverShowsTheHostsFileAndOnlyNameserversThatWereSet) {
  const nlohmann::ordered_json system = dump_of(R"({
    "servers": [{"listen": ["8080"], "locations": [{"path": "/", "return": 204}]}]
  })");
  EXPECT_EQ(system["resolver"], nlohmann::ordered_json::parse(R"({"hosts_file": "/etc/hosts"})"));
  const nlohmann::ordered_json own = dump_of(R"({
    "resolver": {"hosts_file": "/etc/hosts", "nameservers": ["127.0.0.1", "[::1]:5353"]},
    "servers": [{"listen": ["8080"], "locations": [{"path": "/", "return": 204}]}]
  })");
  EXPECT_EQ(own["resolver"], nlohmann::ordered_json::parse(R"(
    {"hosts_file": "/etc/hosts", "nameservers": ["127.0.0.1:53", "[::1]:5353"]})"));
  EXPECT_EQ(dump_of(own.dump()), own);
  const nlohmann::ordered_json none = dump_of(R"({
    "resolver": {"nameservers": []},
    "servers": [{"listen": ["8080"], "locations": [{"path": "/", "return": 204}]}]
  })");
  EXPECT_EQ(none["resolver"]["nameservers"], nlohmann::ordered_json::array());
}

TEST(DumpConfigTest, EveryUpstreamKeyLoadsBackToTheSameConfig) {
  const nlohmann::ordered_json dumped = dump_of(kEveryUpstreamKey);
  EXPECT_EQ(dump_of(dumped.dump()), dumped);
}

}  // namespace
}  // namespace relay7
