#include "relay7/nginx_import/json_layout.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace relay7::nginx_import {
namespace {

using Json = nlohmann::ordered_json;

// The layout is the one of the shipped examples: formatting them gives them back byte for byte.
TEST(JsonLayoutTest, LaysOutTheExamplesAsTheyAreWritten) {
  for (const char* name :
       {"round-robin.json", "sticky.json", "path-routing.json", "block-admin.json"}) {
    const std::string text =
        relay7::testing::read_file(std::string(RELAY7_SOURCE_DIR) + "/etc/examples/" + name);
    ASSERT_FALSE(text.empty()) << name;
    EXPECT_EQ(format_config_json(Json::parse(text)), text) << name;
  }
}

TEST(JsonLayoutTest, PutsOneKeyALineWhereAnObjectDoesNotFit) {
  const Json upstream = Json::parse(R"({"upstreams": {"a": {"balance": "hash", "hash_key":
      "$cookie_session_identifier_long", "servers": ["127.0.0.1:2222", "127.0.0.1:3333"]}}})");
  EXPECT_EQ(format_config_json(upstream),
            "{\n"
            "  \"upstreams\": {\n"
            "    \"a\": {\n"
            "      \"balance\": \"hash\",\n"
            "      \"hash_key\": \"$cookie_session_identifier_long\",\n"
            "      \"servers\": [\"127.0.0.1:2222\", \"127.0.0.1:3333\"]\n"
            "    }\n"
            "  }\n"
            "}\n");
}

TEST(JsonLayoutTest, ListsObjectsOneALine) {
  const Json servers =
      Json::parse(R"({"servers": [{"address": "127.0.0.1:2222", "weight": 2}, "127.0.0.1:3333"]})");
  EXPECT_EQ(format_config_json(servers),
            "{\n"
            "  \"servers\": [\n"
            "    {\"address\": \"127.0.0.1:2222\", \"weight\": 2},\n"
            "    \"127.0.0.1:3333\"\n"
            "  ]\n"
            "}\n");
}

TEST(JsonLayoutTest, EscapesStringsAsJson) {
  const Json value = Json::parse(R"({"a": ["q\"uote", "back\\slash", "tab\t", "é"], "b": {}})");
  EXPECT_EQ(format_config_json(value),
            "{\"a\": [\"q\\\"uote\", \"back\\\\slash\", \"tab\\t\", \"é\"], \"b\": {}}\n");
}

}  // namespace
}  // namespace relay7::nginx_import
