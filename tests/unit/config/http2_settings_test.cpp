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
using testing::minimal_config;

using Json = nlohmann::ordered_json;

const Json kReturn204 = Json::array({{{"path", "/"}, {"return", 204}}});

Json with_listen(Json listen, Json extra = Json::object()) {
  Json document = minimal_config();
  Json block = {{"listen", std::move(listen)}, {"locations", kReturn204}};
  for (auto& [key, value] : extra.items()) {
    block[key] = value;
  }
  document["servers"] = Json::array({std::move(block)});
  return document;
}

TEST(Http2SettingsTest, DefaultsMatchTheManPage) {
  const Config config = config_of(minimal_config());
  EXPECT_EQ(config.http2.max_concurrent_streams, 128u);
  EXPECT_EQ(config.http2.max_resets_per_second, 100u);
  EXPECT_EQ(config.http2.max_control_frames_per_second, 100u);
  EXPECT_TRUE(config.servers[0].http2);
  EXPECT_FALSE(config.servers[0].listen[0].h2c);
}

TEST(Http2SettingsTest, ReadsEveryLimit) {
  Json document = minimal_config();
  document["http2"] = {{"max_concurrent_streams", 16},
                       {"max_resets_per_second", 5},
                       {"max_control_frames_per_second", 7}};
  const Config config = config_of(document);
  EXPECT_EQ(config.http2.max_concurrent_streams, 16u);
  EXPECT_EQ(config.http2.max_resets_per_second, 5u);
  EXPECT_EQ(config.http2.max_control_frames_per_second, 7u);
}

TEST(Http2SettingsTest, RefusesLimitsOutOfRangeAndUnknownKeys) {
  Json document = minimal_config();
  document["http2"] = {{"max_concurrent_streams", 0}, {"max_streams", 5}};
  const auto errors = errors_of(document);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_THAT(errors[0], ::testing::HasSubstr("max_streams"));
  EXPECT_THAT(errors[1], ::testing::HasSubstr("http2.max_concurrent_streams"));
}

TEST(ListenObjectTest, AnObjectNamesTheAddressAndAsksForH2c) {
  const Config config =
      config_of(with_listen({"127.0.0.1:8080", {{"address", "127.0.0.1:8081"}, {"h2c", true}}}));
  const auto& listen = config.servers[0].listen;
  ASSERT_EQ(listen.size(), 2u);
  EXPECT_FALSE(listen[0].h2c);
  EXPECT_TRUE(listen[1].h2c);
  EXPECT_EQ(listen[1].text, "127.0.0.1:8081");
  EXPECT_EQ(listen[1].address.to_string(), "127.0.0.1:8081");
}

TEST(ListenObjectTest, ErrorsNameTheKey) {
  EXPECT_THAT(errors_of(with_listen({{{"address", "80;"}}})),
              ElementsAre("test.json: servers[0].listen[0].address: \"80;\" is not a port"));
  EXPECT_THAT(errors_of(with_listen({{{"h2c", true}}})),
              ElementsAre("test.json: servers[0].listen[0]: missing required key \"address\""));
  const auto typo = errors_of(with_listen({{{"address", "8080"}, {"h2", true}}}));
  ASSERT_EQ(typo.size(), 1u);
  EXPECT_THAT(typo[0], ::testing::HasSubstr("servers[0].listen[0]"));
  EXPECT_THAT(typo[0], ::testing::HasSubstr("\"h2\""));
}

TEST(ListenObjectTest, H2cAndHttp2FalseContradict) {
  EXPECT_THAT(errors_of(with_listen({{{"address", "8080"}, {"h2c", true}}}, {{"http2", false}})),
              ElementsAre("test.json: servers[0].listen[0].h2c: the block sets \"http2\": false"));
}

TEST(ListenObjectTest, BlocksOnOneAddressAgreeOnH2c) {
  Json document = minimal_config();
  document["servers"] = Json::array({{{"listen", {{{"address", "127.0.0.1:8080"}, {"h2c", true}}}},
                                      {"server_names", {"a.example"}},
                                      {"locations", kReturn204}},
                                     {{"listen", {"127.0.0.1:8080"}},
                                      {"server_names", {"b.example"}},
                                      {"locations", kReturn204}}});
  EXPECT_THAT(errors_of(document),
              ElementsAre("test.json: servers[1].listen[0]: 127.0.0.1:8080 must set h2c as "
                          "servers[0] does: the connection preface comes before any Host"));
}

TEST(ListenObjectTest, DumpWritesObjectsOnlyWhereTheyMeanSomething) {
  Json document = with_listen({"127.0.0.1:8080", {{"address", "127.0.0.1:8081"}, {"h2c", true}}});
  document["http2"] = {{"max_concurrent_streams", 64}};
  const ConfigLoadResult first = parse_config_text(document.dump(), "first.json");
  ASSERT_TRUE(first.ok()) << first.errors.front();
  const Json dumped = dump_config(*first.config);
  EXPECT_EQ(dumped["servers"][0]["listen"][0], "127.0.0.1:8080");
  EXPECT_EQ(dumped["servers"][0]["listen"][1],
            Json({{"address", "127.0.0.1:8081"}, {"h2c", true}}));
  EXPECT_EQ(dumped["servers"][0]["http2"], true);
  EXPECT_EQ(dumped["http2"]["max_concurrent_streams"], 64);
  const ConfigLoadResult second = parse_config_text(dumped.dump(), "dumped.json");
  ASSERT_TRUE(second.ok()) << second.errors.front();
  EXPECT_EQ(dump_config(*second.config), dumped);
}

}  // namespace
}  // namespace relay7
