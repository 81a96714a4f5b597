// The top-level "real_ip" object: trusted proxies and the header their client address is in.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"
#include "relay7/config/dump.h"

namespace relay7 {
namespace {

using testing::config_of;
using ::testing::ElementsAre;
using testing::errors_of;
using testing::minimal_config;

nlohmann::ordered_json with_real_ip(nlohmann::ordered_json real_ip) {
  auto document = minimal_config();
  document["real_ip"] = std::move(real_ip);
  return document;
}

TEST(RealIpConfigTest, IsOffUnlessConfigured) {
  EXPECT_FALSE(config_of(minimal_config()).real_ip.has_value());
}

TEST(RealIpConfigTest, ReadsBlocksAndTheHeaderWithXForwardedForAsDefault) {
  const Config config = config_of(with_real_ip({{"from", {"10.0.0.0/8", "::1"}}}));
  ASSERT_TRUE(config.real_ip);
  ASSERT_EQ(config.real_ip->from.size(), 2u);
  EXPECT_EQ(config.real_ip->from[0].to_string(), "10.0.0.0/8");
  EXPECT_EQ(config.real_ip->from[1].to_string(), "::1");
  EXPECT_EQ(config.real_ip->header, "X-Forwarded-For");
  EXPECT_EQ(dump_config(config)["real_ip"],
            nlohmann::ordered_json::parse(
                R"({"from": ["10.0.0.0/8", "::1"], "header": "X-Forwarded-For"})"));
  EXPECT_EQ(
      config_of(with_real_ip({{"from", {"127.0.0.1"}}, {"header", "X-Real-IP"}})).real_ip->header,
      "X-Real-IP");
}

TEST(RealIpConfigTest, SaysWhatIsWrongWithEachEntry) {
  EXPECT_THAT(
      errors_of(with_real_ip({{"from", {"10.0.0.1/8", "proxy.internal", "::/200", 7}},
                              {"header", "X Forwarded"},
                              {"form", {}}})),
      ElementsAre("test.json: real_ip: unknown key \"form\" (did you mean \"from\"?)",
                  "test.json: real_ip.from[0]: \"10.0.0.1/8\" has bits set past its /8 prefix",
                  "test.json: real_ip.from[1]: \"proxy.internal\" is not an IP address or an "
                  "address block such as \"10.0.0.0/8\"",
                  "test.json: real_ip.from[2]: \"::/200\" has an invalid prefix length (0 to 128)",
                  "test.json: real_ip.from[3]: expected a string, got number",
                  "test.json: real_ip.header: \"X Forwarded\" is not a header name"));
  EXPECT_THAT(errors_of(with_real_ip({{"from", nlohmann::ordered_json::array()}})),
              ElementsAre("test.json: real_ip.from: at least one trusted address is required"));
  EXPECT_THAT(errors_of(with_real_ip(nlohmann::ordered_json::object())),
              ElementsAre("test.json: real_ip: missing required key \"from\""));
}

}  // namespace
}  // namespace relay7
