#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"
#include "relay7/config/dump.h"

namespace relay7 {
namespace {

using testing::config_of;
using ::testing::ElementsAre;
using testing::errors_of;
using ::testing::HasSubstr;

nlohmann::ordered_json with_rules(nlohmann::ordered_json server_rules,
                                  nlohmann::ordered_json location_rules = nullptr) {
  auto document = testing::minimal_config();
  document["servers"][0]["header_rules"] = std::move(server_rules);
  if (!location_rules.is_null()) {
    document["servers"][0]["locations"][0]["header_rules"] = std::move(location_rules);
  }
  return document;
}

TEST(HeaderRulesConfigTest, ReadsSetAddAndRemoveInOrder) {
  const Config config = config_of(with_rules(nlohmann::ordered_json::parse(R"({
    "request": {"set": {"X-Tenant": "shop", "Host": "app.internal"},
                "add": [["X-Trace", "$request_id"], ["X-Trace", "b"]],
                "remove": ["Cookie"]},
    "response": {"set": {"Strict-Transport-Security": "max-age=63072000"}, "remove": ["Server"]}
  })")));
  const HeaderRulesConfig& rules = config.servers[0].header_rules;
  ASSERT_EQ(rules.request.size(), 5u);
  EXPECT_EQ(rules.request[0].kind, HeaderEditKind::set);
  EXPECT_EQ(rules.request[0].name, "X-Tenant");
  EXPECT_EQ(rules.request[2].kind, HeaderEditKind::add);
  EXPECT_EQ(rules.request[2].value.text, "$request_id");
  EXPECT_EQ(rules.request[4].kind, HeaderEditKind::remove);
  ASSERT_EQ(rules.response.size(), 2u);
}

TEST(HeaderRulesConfigTest, RefusesHopByHopAndFramingFields) {
  EXPECT_THAT(
      errors_of(with_rules({{"request", {{"set", {{"Connection", "close"}}}}},
                            {"response", {{"remove", {"Transfer-Encoding"}}}}})),
      ElementsAre("test.json: servers[0].header_rules.request.set.Connection: \"Connection\" is "
                  "a hop-by-hop or framing field, which relay7 writes itself for each hop",
                  "test.json: servers[0].header_rules.response.remove[0]: "
                  "\"Transfer-Encoding\" is a hop-by-hop or framing field, which relay7 writes "
                  "itself for each hop"));
  EXPECT_THAT(errors_of(with_rules(nlohmann::ordered_json::parse(
                  R"({"request": {"add": [["Content-Length", "1"]]}})"))),
              ElementsAre(HasSubstr("\"Content-Length\" is a hop-by-hop or framing field")));
  EXPECT_THAT(errors_of(with_rules({{"request", {{"remove", {"Host"}}}}})),
              ElementsAre(HasSubstr("\"Host\" can only be set")));
}

TEST(HeaderRulesConfigTest, RefusesBadNamesValuesAndVariables) {
  EXPECT_THAT(errors_of(with_rules({{"request", {{"set", {{"X Bad", "v"}}}}}})),
              ElementsAre(HasSubstr("\"X Bad\" is not a header name")));
  EXPECT_THAT(errors_of(with_rules({{"request", {{"set", {{"X-A", "a\r\nX-B: b"}}}}}})),
              ElementsAre(HasSubstr("a header value cannot hold control characters")));
  EXPECT_THAT(errors_of(with_rules({{"response", {{"set", {{"X-A", "$status"}}}}}})),
              ElementsAre(HasSubstr("unknown variable \"$status\"")));
  EXPECT_THAT(errors_of(with_rules({{"request", {{"add", {"X-A"}}}}})),
              ElementsAre(HasSubstr("expected a [NAME, VALUE] pair of strings")));
  EXPECT_THAT(errors_of(with_rules({{"requests", nlohmann::ordered_json::object()}})),
              ElementsAre(HasSubstr("unknown key \"requests\" (did you mean \"request\"?)")));
}

TEST(HeaderRulesConfigTest, ANameGetsOneVerbPerBlock) {
  EXPECT_THAT(errors_of(with_rules({{"request", {{"set", {{"X-A", "1"}}}, {"remove", {"x-a"}}}}})),
              ElementsAre("test.json: servers[0].header_rules.request: \"x-a\" is named by more "
                          "than one of \"set\", \"add\" and \"remove\"; name it once"));
}

TEST(HeaderRulesConfigTest, LocationRulesLoadAndTheDumpLoadsBack) {
  const auto document = with_rules(
      nlohmann::ordered_json::parse(R"({"response": {"set": {"X-Frame-Options": "DENY"}}})"),
      nlohmann::ordered_json::parse(R"({"request": {"add": [["X-B", "$http_x_a"]]}})"));
  const Config config = config_of(document);
  EXPECT_EQ(config.servers[0].locations[0].header_rules.request.size(), 1u);
  const nlohmann::ordered_json dumped = dump_config(config);
  EXPECT_EQ(dumped["servers"][0]["header_rules"]["response"]["set"]["X-Frame-Options"], "DENY");
  const Config again = config_of(dumped);
  EXPECT_EQ(dump_config(again), dumped);
}

}  // namespace
}  // namespace relay7
