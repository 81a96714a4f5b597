#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace relay7 {
namespace {

using testing::config_of;
using ::testing::ElementsAre;
using testing::errors_of;
using testing::minimal_config;
using ::testing::SizeIs;

using Json = nlohmann::ordered_json;

// One server on port 8080 with the given locations, and upstreams "allbackend" and
// "summaryinstances".
Json with_locations(Json locations) {
  auto document = minimal_config();
  document["upstreams"] = {{"allbackend", {{"servers", {"127.0.0.1:2222"}}}},
                           {"summaryinstances", {{"servers", {"127.0.0.1:3333"}}}}};
  document["servers"][0]["locations"] = std::move(locations);
  return document;
}

Json with_location(Json location) {
  return with_locations(Json::array({std::move(location)}));
}

Json proxy(const char* path, const char* target) {
  return {{"path", path}, {"proxy_pass", target}};
}

LocationConfig single_location(Json location) {
  const Config config = config_of(with_location(std::move(location)));
  return config.servers.empty() ? LocationConfig{} : config.servers[0].locations.at(0);
}

TEST(LocationPathTest, AcceptsNormalisedPaths) {
  for (const char* path : {"/", "/a", "/a/", "/a/b.c", "/.well-known/x", "/a..b/", "/~user"}) {
    EXPECT_EQ(single_location({{"path", path}, {"return", 204}}).path, path);
  }
}

TEST(LocationPathTest, RejectsWhatARequestPathCannotBe) {
  const Json paths = {"",     "a",    "/a//b", "/a/./b", "/a/..", "/.",
                      "/a?b", "/a#b", "/a%20", "/a b",   "/a\tb", "/a\x01"};
  Json locations = Json::array();
  for (const auto& path : paths) {
    locations.push_back({{"path", path}, {"return", 204}});
  }
  EXPECT_THAT(
      errors_of(with_locations(locations)),
      ElementsAre("test.json: servers[0].locations[0].path: \"\" must start with '/'",
                  "test.json: servers[0].locations[1].path: \"a\" must start with '/'",
                  "test.json: servers[0].locations[2].path: \"/a//b\" must not contain \"//\"",
                  "test.json: servers[0].locations[3].path: \"/a/./b\" must not contain \".\" or "
                  "\"..\" segments",
                  "test.json: servers[0].locations[4].path: \"/a/..\" must not contain \".\" or "
                  "\"..\" segments",
                  "test.json: servers[0].locations[5].path: \"/.\" must not contain \".\" or "
                  "\"..\" segments",
                  "test.json: servers[0].locations[6].path: \"/a?b\" must not contain '?'",
                  "test.json: servers[0].locations[7].path: \"/a#b\" must not contain '#'",
                  "test.json: servers[0].locations[8].path: \"/a%20\" must not contain '%'",
                  "test.json: servers[0].locations[9].path: \"/a b\" must not contain whitespace",
                  "test.json: servers[0].locations[10].path: \"/a\\tb\" must not contain "
                  "whitespace",
                  "test.json: servers[0].locations[11].path: \"/a\\u0001\" must not contain "
                  "control characters"));
}

TEST(LocationPathTest, PathIsRequiredAndAString) {
  EXPECT_THAT(errors_of(with_location({{"return", 204}})),
              ElementsAre("test.json: servers[0].locations[0]: missing required key \"path\""));
  EXPECT_THAT(
      errors_of(with_location({{"path", 1}, {"return", 204}})),
      ElementsAre("test.json: servers[0].locations[0].path: expected a string, got number"));
}

TEST(LocationMatchTest, PrefixByDefaultExactOnRequest) {
  EXPECT_EQ(single_location({{"path", "/"}, {"return", 204}}).match, MatchKind::prefix);
  EXPECT_EQ(single_location({{"path", "/"}, {"match", "prefix"}, {"return", 204}}).match,
            MatchKind::prefix);
  EXPECT_EQ(single_location({{"path", "/"}, {"match", "exact"}, {"return", 204}}).match,
            MatchKind::exact);
  EXPECT_THAT(errors_of(with_location({{"path", "/"}, {"match", "regex"}, {"return", 204}})),
              ElementsAre("test.json: servers[0].locations[0].match: \"regex\" is not valid "
                          "(expected \"prefix\" or \"exact\")"));
}

TEST(LocationIgnoreCaseTest, IsABooleanAndOffByDefault) {
  const auto config = config_of(
      with_locations(Json::array({{{"path", "/"}, {"return", 204}},
                                  {{"path", "/Admin"}, {"ignore_case", true}, {"return", 403}}})));
  EXPECT_FALSE(config.servers[0].locations[0].ignore_case);
  EXPECT_TRUE(config.servers[0].locations[1].ignore_case);
  EXPECT_THAT(errors_of(with_location({{"path", "/"}, {"ignore_case", "yes"}, {"return", 204}})),
              ElementsAre("test.json: servers[0].locations[0].ignore_case: expected true or false, "
                          "got string"));
}

TEST(LocationRetryTest, RetryNonIdempotentIsABooleanAndOffByDefault) {
  const auto config = config_of(with_locations(Json::array({proxy("/", "http://allbackend/"),
                                                            {{"path", "/orders"},
                                                             {"proxy_pass", "http://allbackend/"},
                                                             {"retry_non_idempotent", true}}})));
  EXPECT_FALSE(config.servers[0].locations[0].retry_non_idempotent);
  EXPECT_TRUE(config.servers[0].locations[1].retry_non_idempotent);
  EXPECT_THAT(
      errors_of(with_location(
          {{"path", "/"}, {"proxy_pass", "http://allbackend/"}, {"retry_non_idempotent", 1}})),
      ElementsAre("test.json: servers[0].locations[0].retry_non_idempotent: expected true or "
                  "false, got number"));
}

TEST(LocationRetryTest, RetryNonIdempotentOnlyWithProxyPass) {
  EXPECT_THAT(
      errors_of(with_location({{"path", "/"}, {"return", 204}, {"retry_non_idempotent", false}})),
      ElementsAre("test.json: servers[0].locations[0].retry_non_idempotent: only allowed with "
                  "\"proxy_pass\" (a \"return\" or \"serve\" location sends nothing upstream)"));
  // Without either action the location's own error says what is missing.
  EXPECT_THAT(errors_of(with_location({{"path", "/"}, {"retry_non_idempotent", true}})),
              ElementsAre("test.json: servers[0].locations[0]: needs \"proxy_pass\", "
                          "\"return\" or \"serve\""));
  EXPECT_THAT(
      errors_of(with_location({{"path", "/"}, {"retry_non_idempotnt", true}, {"return", 204}})),
      ElementsAre("test.json: servers[0].locations[0]: unknown key "
                  "\"retry_non_idempotnt\" (did you mean \"retry_non_idempotent\"?)"));
}

TEST(LocationBodyLimitTest, IsASizeThatOverridesTheServer) {
  const auto config = config_of(
      with_locations(Json::array({{{"path", "/"}, {"return", 204}},
                                  {{"path", "/up"}, {"max_body_size", "2m"}, {"return", 204}}})));
  EXPECT_EQ(config.servers[0].max_body_size, kDefaultMaxBodySize);
  EXPECT_FALSE(config.servers[0].locations[0].max_body_size);
  EXPECT_EQ(config.servers[0].locations[1].max_body_size, 2u * 1024 * 1024);
  EXPECT_THAT(
      errors_of(with_location({{"path", "/"}, {"max_body_size", "lots"}, {"return", 204}})),
      ElementsAre("test.json: servers[0].locations[0].max_body_size: \"lots\" is not a size (use "
                  "a number with k, m or g, e.g. \"64m\")"));
}

TEST(LocationKeysTest, UnknownKeyVerbatim) {
  const auto errors = errors_of(with_locations({proxy("/", "http://allbackend/"),
                                                proxy("/summary", "http://summaryinstances/"),
                                                {{"path", "/status"}, {"return", 204}},
                                                {{"path", "/admin"}, {"retirn", 403}}}));
  EXPECT_THAT(errors, ElementsAre("test.json: servers[0].locations[3]: unknown key \"retirn\" (did "
                                  "you mean \"return\"?)",
                                  "test.json: servers[0].locations[3]: needs \"proxy_pass\", "
                                  "\"return\" or \"serve\""));
}

TEST(LocationKeysTest, ExactlyOneAction) {
  EXPECT_THAT(errors_of(with_locations({{{"path", "/"}, {"return", 204}},
                                        {{"path", "/a"}},
                                        {{"path", "/status"}, {"match", "exact"}}})),
              ElementsAre("test.json: servers[0].locations[1]: needs \"proxy_pass\", \"return\" or "
                          "\"serve\"",
                          "test.json: servers[0].locations[2]: needs \"proxy_pass\", "
                          "\"return\" or \"serve\""));
  EXPECT_THAT(errors_of(with_location(
                  {{"path", "/"}, {"proxy_pass", "http://allbackend"}, {"return", 204}})),
              ElementsAre("test.json: servers[0].locations[0]: has both \"proxy_pass\" and "
                          "\"return\"; use only one"));
}

TEST(LocationServeTest, MetricsOrStatusAndNothingElse) {
  EXPECT_EQ(single_location({{"path", "/metrics"}, {"serve", "metrics"}}).serve,
            ServeKind::metrics);
  EXPECT_EQ(single_location({{"path", "/status"}, {"serve", "status"}}).serve, ServeKind::status);
  EXPECT_THAT(errors_of(with_location({{"path", "/"}, {"serve", "metric"}})),
              ElementsAre("test.json: servers[0].locations[0].serve: \"metric\" is not valid "
                          "(did you mean \"metrics\"?)"));
  EXPECT_THAT(errors_of(with_location({{"path", "/"}, {"serve", 1}})), SizeIs(1));
  EXPECT_THAT(errors_of(with_location({{"path", "/"},
                                       {"proxy_pass", "http://allbackend"},
                                       {"return", 204},
                                       {"serve", "status"}})),
              ElementsAre("test.json: servers[0].locations[0]: has \"proxy_pass\", \"return\" "
                          "and \"serve\"; use only one"));
  EXPECT_THAT(errors_of(with_location({{"path", "/"}, {"serve", "status"}, {"return", 204}})),
              ElementsAre("test.json: servers[0].locations[0]: has both \"return\" and "
                          "\"serve\"; use only one"));
  EXPECT_THAT(
      errors_of(
          with_location({{"path", "/"}, {"serve", "metrics"}, {"retry_non_idempotent", true}})),
      ElementsAre("test.json: servers[0].locations[0].retry_non_idempotent: only allowed with "
                  "\"proxy_pass\" (a \"return\" or \"serve\" location sends nothing upstream)"));
}

TEST(LocationKeysTest, DuplicatePathAndMatchNamesTheEarlierIndex) {
  EXPECT_THAT(errors_of(with_locations({{{"path", "/"}, {"return", 204}},
                                        {{"path", "/a"}, {"return", 204}},
                                        {{"path", "/a"}, {"match", "exact"}, {"return", 204}},
                                        {{"path", "/a"}, {"match", "prefix"}, {"return", 404}},
                                        {{"path", "/a"}, {"match", "exact"}, {"return", 404}}})),
              ElementsAre("test.json: servers[0].locations[3]: duplicate location \"/a\" (prefix "
                          "match), already defined at locations[1]",
                          "test.json: servers[0].locations[4]: duplicate location \"/a\" (exact "
                          "match), already defined at locations[2]"));
}

TEST(LocationKeysTest, SamePathInDifferentServersIsFine) {
  auto document = with_location({{"path", "/"}, {"return", 204}});
  document["servers"].push_back(
      {{"listen", {"8081"}}, {"locations", {{{"path", "/"}, {"return", 204}}}}});
  EXPECT_TRUE(testing::load(document).ok());
}

TEST(ProxyPassTest, UriPrefixForms) {
  const auto none = single_location(proxy("/", "http://allbackend"));
  ASSERT_TRUE(none.proxy_pass.has_value());
  EXPECT_EQ(none.proxy_pass->upstream, "allbackend");
  EXPECT_EQ(none.proxy_pass->uri_prefix, std::nullopt);
  EXPECT_EQ(single_location(proxy("/", "http://allbackend/")).proxy_pass->uri_prefix, "/");
  EXPECT_EQ(single_location(proxy("/", "http://allbackend/api")).proxy_pass->uri_prefix, "/api");
  EXPECT_EQ(single_location(proxy("/", "http://allbackend/api/")).proxy_pass->uri_prefix, "/api/");
  EXPECT_EQ(single_location(proxy("/", "HTTP://allbackend/x")).proxy_pass->upstream, "allbackend");
}

TEST(ProxyPassTest, UndefinedUpstreamVerbatim) {
  EXPECT_THAT(errors_of(with_locations({proxy("/", "http://allbackend/"),
                                        proxy("/summary", "http://summaryinstance/")})),
              ElementsAre("test.json: servers[0].locations[1].proxy_pass: upstream "
                          "\"summaryinstance\" is not defined (did you mean "
                          "\"summaryinstances\"?)"));
  EXPECT_THAT(errors_of(with_location(proxy("/", "http://elsewhere/"))),
              ElementsAre("test.json: servers[0].locations[0].proxy_pass: upstream \"elsewhere\" "
                          "is not defined"));
}

TEST(ProxyPassTest, UpstreamWithOwnErrorsIsNotAlsoUndefined) {
  auto document = with_location(proxy("/", "http://broken/"));
  document["upstreams"]["broken"] = {{"servers", Json::array()}};
  EXPECT_THAT(errors_of(document), ElementsAre("test.json: upstreams.broken: no servers"));
}

TEST(ProxyPassTest, SchemeErrors) {
  EXPECT_THAT(
      errors_of(with_locations({proxy("/b", "allbackend"), proxy("/c", "ftp://allbackend/"),
                                proxy("/d", "http:///x"), proxy("/e", "https:///x")})),
      ElementsAre("test.json: servers[0].locations[0].proxy_pass: \"allbackend\" has no scheme "
                  "(expected \"http://UPSTREAM[/PREFIX]\" or \"https://UPSTREAM[/PREFIX]\")",
                  "test.json: servers[0].locations[1].proxy_pass: \"ftp://allbackend/\": "
                  "unsupported scheme \"ftp\" (expected \"http://UPSTREAM[/PREFIX]\" or "
                  "\"https://UPSTREAM[/PREFIX]\")",
                  "test.json: servers[0].locations[2].proxy_pass: \"http:///x\" has no upstream "
                  "(expected \"http://UPSTREAM[/PREFIX]\" or \"https://UPSTREAM[/PREFIX]\")",
                  "test.json: servers[0].locations[3].proxy_pass: \"https:///x\" has no upstream "
                  "(expected \"http://UPSTREAM[/PREFIX]\" or \"https://UPSTREAM[/PREFIX]\")"));
}

TEST(ProxyPassTest, PrefixFollowsPathRules) {
  EXPECT_THAT(
      errors_of(with_locations(
          {proxy("/a", "http://allbackend/x?y=1"), proxy("/b", "http://allbackend/#top"),
           proxy("/c", "http://allbackend/a//b"), proxy("/d", "http://allbackend/a/../b"),
           proxy("/e", "http://allbackend/%41")})),
      ElementsAre("test.json: servers[0].locations[0].proxy_pass: \"http://allbackend/x?y=1\": a "
                  "query or fragment is not allowed",
                  "test.json: servers[0].locations[1].proxy_pass: \"http://allbackend/#top\": a "
                  "query or fragment is not allowed",
                  "test.json: servers[0].locations[2].proxy_pass: \"http://allbackend/a//b\": the "
                  "path \"/a//b\" must not contain \"//\"",
                  "test.json: servers[0].locations[3].proxy_pass: \"http://allbackend/a/../b\": "
                  "the path \"/a/../b\" must not contain \".\" or \"..\" segments",
                  "test.json: servers[0].locations[4].proxy_pass: \"http://allbackend/%41\": the "
                  "path \"/%41\" must not contain '%'"));
  EXPECT_THAT(errors_of(with_location({{"path", "/"}, {"proxy_pass", {{"upstream", "x"}}}})),
              ElementsAre("test.json: servers[0].locations[0].proxy_pass: expected a string such "
                          "as \"http://UPSTREAM/\", got object"));
}

TEST(ProxyPassTest, DirectAddressCreatesOneImplicitUpstreamPerText) {
  const Config config = config_of(
      with_locations({proxy("/a", "http://127.0.0.1:9000"), proxy("/b", "http://127.0.0.1:9000/b/"),
                      proxy("/c", "http://[::1]:9001/c"), proxy("/d", "http://localhost:9002")}));
  ASSERT_THAT(config.upstreams, SizeIs(5));
  EXPECT_EQ(config.upstreams[0].name, "allbackend");
  EXPECT_EQ(config.upstreams[1].name, "summaryinstances");

  const UpstreamConfig& first = config.upstreams[2];
  EXPECT_EQ(first.name, "127.0.0.1:9000");
  EXPECT_TRUE(first.implicit);
  EXPECT_EQ(first.balance, BalanceMethod::round_robin);
  EXPECT_EQ(first.keepalive, 32u);
  ASSERT_THAT(first.servers, SizeIs(1));
  EXPECT_EQ(first.servers[0].address_text, "127.0.0.1:9000");
  EXPECT_EQ(first.servers[0].addresses.at(0).to_string(), "127.0.0.1:9000");
  EXPECT_EQ(first.servers[0].weight, 1u);
  EXPECT_EQ(config.upstreams[3].name, "[::1]:9001");
  EXPECT_EQ(config.upstreams[3].servers[0].addresses.at(0).to_string(), "[::1]:9001");
  EXPECT_EQ(config.upstreams[4].name, "localhost:9002");
  EXPECT_EQ(config.upstreams[4].servers[0].addresses.at(0).port(), 9002);

  const auto& locations = config.servers[0].locations;
  EXPECT_EQ(locations[0].proxy_pass->upstream, "127.0.0.1:9000");
  EXPECT_EQ(locations[0].proxy_pass->uri_prefix, std::nullopt);
  EXPECT_EQ(locations[1].proxy_pass->upstream, "127.0.0.1:9000");
  EXPECT_EQ(locations[1].proxy_pass->uri_prefix, "/b/");
  EXPECT_EQ(locations[2].proxy_pass->upstream, "[::1]:9001");
  EXPECT_EQ(locations[2].proxy_pass->uri_prefix, "/c");
  EXPECT_EQ(config.find_upstream("[::1]:9001"), &config.upstreams[3]);
}

TEST(ProxyPassTest, DirectAddressErrors) {
  EXPECT_THAT(
      errors_of(with_locations({proxy("/a", "http://127.0.0.1:0/"), proxy("/b", "http://[::1]/"),
                                proxy("/c", "http://a:b/")})),
      ElementsAre(
          "test.json: servers[0].locations[0].proxy_pass: \"127.0.0.1:0\": port 0 is out of "
          "range (1..65535)",
          "test.json: servers[0].locations[1].proxy_pass: \"[::1]\" has no port "
          "(expected HOST:PORT or [IPv6]:PORT)",
          "test.json: servers[0].locations[2].proxy_pass: \"a:b\": \"b\" is not a port "
          "(expected 1..65535)"));
}

TEST(ReturnTest, StatusOnly) {
  const auto location = single_location({{"path", "/"}, {"return", 200}});
  ASSERT_TRUE(location.return_action.has_value());
  EXPECT_EQ(location.return_action->status, 200);
  EXPECT_FALSE(location.proxy_pass.has_value());
  EXPECT_EQ(single_location({{"path", "/"}, {"return", 599}}).return_action->status, 599);
}

TEST(ReturnTest, ObjectWithLocationAndBody) {
  const auto redirect = single_location(
      {{"path", "/old"}, {"return", {{"status", 308}, {"location", "/new"}, {"body", "moved"}}}});
  ASSERT_TRUE(redirect.return_action.has_value());
  EXPECT_EQ(redirect.return_action->status, 308);
  EXPECT_EQ(redirect.return_action->location.text, "/new");
  EXPECT_EQ(redirect.return_action->body, "moved");

  const auto body = single_location({{"path", "/"}, {"return", {{"status", 503}, {"body", "x"}}}});
  EXPECT_EQ(body.return_action->status, 503);
  EXPECT_EQ(body.return_action->location.text, "");
  EXPECT_EQ(body.return_action->body, "x");

  // 300 and 304 are 3xx without a mandatory Location.
  EXPECT_EQ(single_location({{"path", "/"}, {"return", {{"status", 304}}}}).return_action->status,
            304);
  EXPECT_EQ(single_location({{"path", "/"}, {"return", {{"status", 300}, {"location", "/x"}}}})
                .return_action->location.text,
            "/x");
}

TEST(ReturnTest, RedirectsNeedALocation) {
  Json locations = Json::array();
  for (const int status : {301, 302, 303, 307, 308}) {
    locations.push_back(
        {{"path", "/r" + std::to_string(status)}, {"return", {{"status", status}}}});
  }
  locations.push_back({{"path", "/int"}, {"return", 302}});
  EXPECT_THAT(
      errors_of(with_locations(locations)),
      ElementsAre("test.json: servers[0].locations[0].return: status 301 needs a \"location\"",
                  "test.json: servers[0].locations[1].return: status 302 needs a \"location\"",
                  "test.json: servers[0].locations[2].return: status 303 needs a \"location\"",
                  "test.json: servers[0].locations[3].return: status 307 needs a \"location\"",
                  "test.json: servers[0].locations[4].return: status 308 needs a \"location\"",
                  "test.json: servers[0].locations[5].return: status 302 needs a \"location\"; "
                  "use {\"status\": 302, \"location\": \"...\"}"));
}

TEST(ReturnTest, LocationOnlyWithRedirects) {
  EXPECT_THAT(
      errors_of(with_locations(
          {{{"path", "/a"}, {"return", {{"status", 200}, {"location", "/x"}}}},
           {{"path", "/b"}, {"return", {{"status", 404}, {"location", "/x"}}}},
           {{"path", "/c"}, {"return", {{"status", 301}, {"location", "/x\r\nSet-Cookie: a"}}}},
           {{"path", "/d"}, {"return", {{"status", 301}, {"location", ""}}}}})),
      ElementsAre("test.json: servers[0].locations[0].return.location: only allowed with a 3xx "
                  "status, not 200",
                  "test.json: servers[0].locations[1].return.location: only allowed with a 3xx "
                  "status, not 404",
                  "test.json: servers[0].locations[2].return.location: must not contain control "
                  "characters",
                  "test.json: servers[0].locations[3].return.location: must not be empty"));
}

TEST(ReturnTest, LocationVariablesAreCheckedAtLoad) {
  EXPECT_THAT(
      errors_of(with_locations(
          {{{"path", "/a"}, {"return", {{"status", 301}, {"location", "https://$host$uri"}}}},
           {{"path", "/b"},
            {"return", {{"status", 301}, {"location", "https://$host$request_uri"}}}},
           {{"path", "/c"}, {"return", {{"status", 302}, {"location", "/cost/5$"}}}}})),
      ElementsAre("test.json: servers[0].locations[0].return.location: unknown variable \"$uri\"; "
                  "known variables: $scheme, $host, $request_uri, $server_port (\"$$\" is a "
                  "dollar sign)",
                  "test.json: servers[0].locations[2].return.location: \"$\" at offset 7 "
                  "starts no variable name; write \"$$\" for a dollar sign (variables: $scheme, "
                  "$host, $request_uri, $server_port)"));
}

TEST(ReturnTest, StatusRangeAndTypes) {
  EXPECT_THAT(
      errors_of(with_locations({{{"path", "/a"}, {"return", 199}},
                                {{"path", "/b"}, {"return", 600}},
                                {{"path", "/c"}, {"return", 204.5}},
                                {{"path", "/d"}, {"return", "204"}},
                                {{"path", "/e"}, {"return", {{"status", 100}}}},
                                {{"path", "/f"}, {"return", {{"body", "x"}}}},
                                {{"path", "/g"}, {"return", {{"status", 200}, {"body", 1}}}},
                                {{"path", "/h"}, {"return", {{"status", 200}, {"bdy", "x"}}}}})),
      ElementsAre(
          "test.json: servers[0].locations[0].return: 199 is out of range (200..599)",
          "test.json: servers[0].locations[1].return: 600 is out of range (200..599)",
          "test.json: servers[0].locations[2].return: 204.5 is not an integer (expected 200..599)",
          "test.json: servers[0].locations[3].return: expected a status code or an object with "
          "\"status\", got string",
          "test.json: servers[0].locations[4].return.status: 100 is out of range (200..599)",
          "test.json: servers[0].locations[5].return: missing required key \"status\"",
          "test.json: servers[0].locations[6].return.body: expected a string, got number",
          "test.json: servers[0].locations[7].return: unknown key \"bdy\" (did you mean "
          "\"body\"?)"));
}

}  // namespace
}  // namespace relay7
