// Listen objects: proxy_protocol and backlog belong to the address (they act before any byte says
// which block a connection is for), so blocks sharing an address must agree on them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"
#include "relay7/config/dump.h"
#include "relay7/config/loader.h"

namespace relay7 {
namespace {

using testing::config_of;
using ::testing::ElementsAre;
using testing::errors_of;
using ::testing::HasSubstr;
using testing::minimal_config;

using Json = nlohmann::ordered_json;

Json listening(Json listen) {
  Json document = minimal_config();
  document["servers"][0]["listen"] = std::move(listen);
  return document;
}

// Two blocks on 127.0.0.1:8080, the first listing it as `first`, the second as `second`.
Json two_blocks(Json first, Json second) {
  Json document = minimal_config();
  Json block = document["servers"][0];
  block["listen"] = Json::array({std::move(first)});
  block["server_names"] = {"a.example"};
  Json other = block;
  other["listen"] = Json::array({std::move(second)});
  other["server_names"] = {"b.example"};
  document["servers"] = Json::array({std::move(block), std::move(other)});
  return document;
}

TEST(ListenOptionsTest, DefaultsAreNoProxyProtocolAndBacklog511) {
  const Config config = config_of(minimal_config());
  EXPECT_FALSE(config.servers[0].listen[0].proxy_protocol);
  EXPECT_EQ(config.servers[0].listen[0].backlog, 511u);
}

TEST(ListenOptionsTest, ReadsProxyProtocolAndBacklog) {
  const Config config = config_of(
      listening({"127.0.0.1:8080",
                 {{"address", "127.0.0.1:8081"}, {"proxy_protocol", true}, {"backlog", 4096}}}));
  const auto& listen = config.servers[0].listen;
  ASSERT_EQ(listen.size(), 2u);
  EXPECT_FALSE(listen[0].proxy_protocol);
  EXPECT_TRUE(listen[1].proxy_protocol);
  EXPECT_EQ(listen[1].backlog, 4096u);
}

TEST(ListenOptionsTest, RefusesWrongTypesAndRanges) {
  EXPECT_THAT(errors_of(listening({{{"address", "8080"}, {"proxy_protocol", "yes"}}})),
              ElementsAre(HasSubstr("servers[0].listen[0].proxy_protocol")));
  for (const Json& backlog : {Json(0), Json(65536), Json(-1), Json(1.5), Json("511")}) {
    EXPECT_THAT(errors_of(listening({{{"address", "8080"}, {"backlog", backlog}}})),
                ElementsAre(HasSubstr("servers[0].listen[0].backlog")))
        << backlog;
  }
  EXPECT_EQ(
      config_of(listening({{{"address", "8080"}, {"backlog", 1}}})).servers[0].listen[0].backlog,
      1u);
  EXPECT_EQ(config_of(listening({{{"address", "8080"}, {"backlog", 65535}}}))
                .servers[0]
                .listen[0]
                .backlog,
            65535u);
}

TEST(ListenOptionsTest, SuggestsTheKeyForATypo) {
  const auto errors = errors_of(listening({{{"address", "8080"}, {"proxy_protocl", true}}}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("\"proxy_protocl\""));
  EXPECT_THAT(errors[0], HasSubstr("proxy_protocol"));
}

TEST(ListenOptionsTest, BlocksOnOneAddressAgreeOnProxyProtocol) {
  EXPECT_THAT(errors_of(two_blocks({{"address", "127.0.0.1:8080"}, {"proxy_protocol", true}},
                                   "127.0.0.1:8080")),
              ElementsAre("test.json: servers[1].listen[0]: 127.0.0.1:8080 must set "
                          "proxy_protocol as servers[0] does: it belongs to the address, not to "
                          "a block"));
  config_of(two_blocks({{"address", "127.0.0.1:8080"}, {"proxy_protocol", true}},
                       {{"address", "127.0.0.1:8080"}, {"proxy_protocol", true}}));
}

TEST(ListenOptionsTest, BlocksOnOneAddressAgreeOnBacklog) {
  EXPECT_THAT(errors_of(two_blocks({{"address", "127.0.0.1:8080"}, {"backlog", 100}},
                                   {{"address", "127.0.0.1:8080"}, {"backlog", 200}})),
              ElementsAre("test.json: servers[1].listen[0]: 127.0.0.1:8080 must set backlog as "
                          "servers[0] does: it belongs to the address, not to a block"));
  config_of(two_blocks({{"address", "127.0.0.1:8080"}, {"backlog", 511}}, "127.0.0.1:8080"));
}

TEST(ListenOptionsTest, DumpLoadsBackToTheSameConfig) {
  const Json document =
      listening({"127.0.0.1:8080",
                 {{"address", "127.0.0.1:8081"}, {"backlog", 511}},
                 {{"address", "127.0.0.1:8082"}, {"proxy_protocol", true}, {"backlog", 2048}},
                 {{"address", "127.0.0.1:8083"}, {"h2c", true}, {"proxy_protocol", false}}});
  const ConfigLoadResult first = parse_config_text(document.dump(), "first.json");
  ASSERT_TRUE(first.ok()) << first.errors.front();
  const Json dumped = dump_config(*first.config);
  const Json& listen = dumped["servers"][0]["listen"];
  EXPECT_EQ(listen[0], "127.0.0.1:8080");
  EXPECT_EQ(listen[1], "127.0.0.1:8081");  // the default backlog needs no object
  EXPECT_EQ(listen[2],
            Json({{"address", "127.0.0.1:8082"}, {"proxy_protocol", true}, {"backlog", 2048}}));
  EXPECT_EQ(listen[3], Json({{"address", "127.0.0.1:8083"}, {"h2c", true}}));
  const ConfigLoadResult second = parse_config_text(dumped.dump(), "dumped.json");
  ASSERT_TRUE(second.ok()) << second.errors.front();
  EXPECT_EQ(dump_config(*second.config), dumped);
}

}  // namespace
}  // namespace relay7
