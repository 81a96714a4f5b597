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

}  // namespace
}  // namespace relay7
