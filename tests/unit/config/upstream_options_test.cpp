// The parts of an upstream block beyond its servers: hash_key, health_check, sticky and the retry
// policy (next_upstream_tries, next_upstream_timeout, fail_on_status).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace relay7 {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
using testing::config_of;
using ::testing::ElementsAre;
using testing::errors_of;
using testing::with_backend;

using Json = nlohmann::ordered_json;

// Upstream "backend" with one server and the given keys added.
Json with_keys(Json keys) {
  Json backend = {{"servers", {"127.0.0.1:2222"}}};
  for (const auto& [key, value] : keys.items()) {
    backend[key] = value;
  }
  return with_backend(std::move(backend));
}

UpstreamConfig upstream_of(Json keys) {
  const Config config = config_of(with_keys(std::move(keys)));
  return config.upstreams.empty() ? UpstreamConfig{} : config.upstreams[0];
}

HashKeyConfig hash_key_of(const char* text) {
  return upstream_of({{"balance", "hash"}, {"hash_key", text}}).hash_key;
}

std::vector<std::string> hash_key_errors(Json key) {
  return errors_of(with_keys({{"balance", "hash"}, {"hash_key", std::move(key)}}));
}

TEST(HashKeyTest, FixedKeys) {
  const HashKeyConfig address = hash_key_of("$remote_addr");
  EXPECT_EQ(address.source, HashKeySource::remote_addr);
  EXPECT_EQ(address.name, "");
  EXPECT_EQ(address.text, "$remote_addr");
  const HashKeyConfig uri = hash_key_of("$uri");
  EXPECT_EQ(uri.source, HashKeySource::uri);
  EXPECT_EQ(uri.name, "");
  EXPECT_EQ(uri.text, "$uri");
}

TEST(HashKeyTest, HeaderNamesAreLowerCaseWithDashes) {
  const HashKeyConfig header = hash_key_of("$http_X_User-Id");
  EXPECT_EQ(header.source, HashKeySource::header);
  EXPECT_EQ(header.name, "x-user-id");
  EXPECT_EQ(header.text, "$http_X_User-Id");
}

TEST(HashKeyTest, CookieNamesAreKeptAsWritten) {
  const HashKeyConfig cookie = hash_key_of("$cookie_Session_ID.v2");
  EXPECT_EQ(cookie.source, HashKeySource::cookie);
  EXPECT_EQ(cookie.name, "Session_ID.v2");
  EXPECT_EQ(cookie.text, "$cookie_Session_ID.v2");
}

TEST(HashKeyTest, RequiredWithHashOnly) {
  EXPECT_THAT(errors_of(with_keys({{"balance", "hash"}})),
              ElementsAre("test.json: upstreams.backend: \"balance\": \"hash\" needs a "
                          "\"hash_key\" (\"$remote_addr\", \"$uri\", \"$http_NAME\" or "
                          "\"$cookie_NAME\")"));
  EXPECT_THAT(errors_of(with_keys({{"hash_key", "$uri"}})),
              ElementsAre("test.json: upstreams.backend.hash_key: only allowed with \"balance\": "
                          "\"hash\", not \"round_robin\""));
  EXPECT_THAT(errors_of(with_keys({{"balance", "ip_hash"}, {"hash_key", "$uri"}})),
              ElementsAre("test.json: upstreams.backend.hash_key: only allowed with \"balance\": "
                          "\"hash\", not \"ip_hash\""));
}

TEST(HashKeyTest, WithAMistypedBalanceOnlyTheKeyItselfIsChecked) {
  EXPECT_THAT(errors_of(with_keys({{"balance", "hsah"}, {"hash_key", "$uri"}})),
              ElementsAre("test.json: upstreams.backend.balance: \"hsah\" is not valid (did you "
                          "mean \"hash\"?)"));
  EXPECT_THAT(errors_of(with_keys({{"balance", "hsah"}, {"hash_key", "$url"}})),
              ElementsAre("test.json: upstreams.backend.balance: \"hsah\" is not valid (did you "
                          "mean \"hash\"?)",
                          "test.json: upstreams.backend.hash_key: \"$url\" is not a hash key (did "
                          "you mean \"$uri\"?)"));
}

TEST(HashKeyTest, UnknownVariablesSuggestTheIntendedKey) {
  const std::pair<const char*, const char*> cases[] = {
      {"$htp_x_user", "$http_x_user"},  {"$cookies_sid", "$cookie_sid"},
      {"$HTTP_X_USER", "$http_X_USER"}, {"remote_addr", "$remote_addr"},
      {"$remote_adr", "$remote_addr"},  {"$binary_remote_addr", "$remote_addr"},
      {"$request_uri", "$uri"},         {"$document_uri", "$uri"}};
  for (const auto& [typo, meant] : cases) {
    EXPECT_THAT(hash_key_errors(typo),
                ElementsAre("test.json: upstreams.backend.hash_key: " + Json(typo).dump() +
                            " is not a hash key (did you mean " + Json(meant).dump() + "?)"));
  }
  EXPECT_THAT(hash_key_errors("$host"),
              ElementsAre("test.json: upstreams.backend.hash_key: \"$host\" is not a hash key "
                          "(expected \"$remote_addr\", \"$uri\", \"$http_NAME\" or "
                          "\"$cookie_NAME\")"));
}

TEST(HashKeyTest, HeaderAndCookieNameErrors) {
  EXPECT_THAT(hash_key_errors("$http_"),
              ElementsAre("test.json: upstreams.backend.hash_key: \"$http_\" names no header "
                          "(e.g. \"$http_x_user\")"));
  EXPECT_THAT(hash_key_errors("$http_x.user"),
              ElementsAre("test.json: upstreams.backend.hash_key: \"$http_x.user\": \"x.user\" is "
                          "not a header name (use letters, digits, '_' and '-')"));
  EXPECT_THAT(hash_key_errors("$cookie_"),
              ElementsAre("test.json: upstreams.backend.hash_key: \"$cookie_\" names no cookie "
                          "(e.g. \"$cookie_session\")"));
  EXPECT_THAT(hash_key_errors("$cookie_a=b"),
              ElementsAre("test.json: upstreams.backend.hash_key: \"$cookie_a=b\": \"a=b\" is not "
                          "a valid cookie name (use letters, digits and !#$%&'*+-.^_`|~)"));
  EXPECT_THAT(hash_key_errors(5),
              ElementsAre("test.json: upstreams.backend.hash_key: expected a string such as "
                          "\"$remote_addr\", got number"));
}

TEST(HealthCheckTest, EmptyObjectGivesTheDefaults) {
  const UpstreamConfig upstream = upstream_of({{"health_check", Json::object()}});
  ASSERT_TRUE(upstream.health_check.has_value());
  const HealthCheckConfig& check = *upstream.health_check;
  EXPECT_EQ(check.path, "/health");
  EXPECT_EQ(check.interval, seconds(2));
  EXPECT_EQ(check.timeout, seconds(1));
  EXPECT_EQ(check.rise, 2u);
  EXPECT_EQ(check.fall, 3u);
  EXPECT_EQ(check.expect_status_min, 200);
  EXPECT_EQ(check.expect_status_max, 399);
}

TEST(HealthCheckTest, ReadsEveryKey) {
  const UpstreamConfig upstream = upstream_of({{"health_check",
                                                {{"path", "/status?deep=1"},
                                                 {"interval", "5s"},
                                                 {"timeout", "5s"},
                                                 {"rise", 1},
                                                 {"fall", 100},
                                                 {"expect_status", {204, 204}}}}});
  ASSERT_TRUE(upstream.health_check.has_value());
  const HealthCheckConfig& check = *upstream.health_check;
  EXPECT_EQ(check.path, "/status?deep=1");
  EXPECT_EQ(check.interval, seconds(5));
  EXPECT_EQ(check.timeout, seconds(5));
  EXPECT_EQ(check.rise, 1u);
  EXPECT_EQ(check.fall, 100u);
  EXPECT_EQ(check.expect_status_min, 204);
  EXPECT_EQ(check.expect_status_max, 204);
}

TEST(HealthCheckTest, PathErrors) {
  const Json paths = {"health", "/a b", "/a\x01", "/a#b", "/caf\xc3\xa9", 5};
  Json upstreams = Json::object();
  for (size_t i = 0; i < paths.size(); ++i) {
    upstreams["u" + std::to_string(i)] = {{"servers", {"127.0.0.1:1"}},
                                          {"health_check", {{"path", paths[i]}}}};
  }
  auto document = testing::minimal_config();
  document["upstreams"] = upstreams;
  EXPECT_THAT(
      errors_of(document),
      ElementsAre(
          "test.json: upstreams.u0.health_check.path: \"health\" must start with '/'",
          "test.json: upstreams.u1.health_check.path: \"/a b\" must not contain whitespace",
          "test.json: upstreams.u2.health_check.path: \"/a\\u0001\" must not contain control "
          "characters",
          "test.json: upstreams.u3.health_check.path: \"/a#b\" must not contain '#' (a fragment "
          "is never sent)",
          "test.json: upstreams.u4.health_check.path: \"/caf\xc3\xa9\" must not contain bytes "
          "above 0x7E (percent-encode them)",
          "test.json: upstreams.u5.health_check.path: expected a string, got number"));
}

TEST(HealthCheckTest, TimeoutMustFitInTheInterval) {
  EXPECT_THAT(errors_of(with_keys({{"health_check", {{"timeout", "3s"}}}})),
              ElementsAre("test.json: upstreams.backend.health_check.timeout: \"3s\" exceeds the "
                          "interval of 2s (a probe must finish before the next one starts)"));
  EXPECT_THAT(errors_of(with_keys({{"health_check", {{"interval", "500ms"}}}})),
              ElementsAre("test.json: upstreams.backend.health_check.interval: \"500ms\" is "
                          "shorter than the timeout of 1s (a probe must finish before the next "
                          "one starts; lower \"timeout\" too)"));
  EXPECT_THAT(errors_of(with_keys({{"health_check", {{"interval", "1m"}, {"timeout", "61s"}}}})),
              ElementsAre("test.json: upstreams.backend.health_check.timeout: \"61s\" exceeds the "
                          "interval of 1m (a probe must finish before the next one starts)"));
}

TEST(HealthCheckTest, DurationAndCountErrors) {
  EXPECT_THAT(
      errors_of(
          with_keys({{"health_check",
                      {{"interval", "0s"}, {"timeout", "0ms"}, {"rise", 0}, {"fall", 101}}}})),
      ElementsAre(
          "test.json: upstreams.backend.health_check.interval: \"0s\" must be greater than 0",
          "test.json: upstreams.backend.health_check.timeout: \"0ms\" must be greater than 0",
          "test.json: upstreams.backend.health_check.rise: 0 is out of range (1..100)",
          "test.json: upstreams.backend.health_check.fall: 101 is out of range (1..100)"));
}

TEST(HealthCheckTest, ExpectStatusErrors) {
  const auto errors_for = [](Json expect_status) {
    return errors_of(with_keys({{"health_check", {{"expect_status", std::move(expect_status)}}}}));
  };
  EXPECT_THAT(errors_for("200-399"),
              ElementsAre("test.json: upstreams.backend.health_check.expect_status: expected an "
                          "array of two statuses [LOW, HIGH], got string"));
  EXPECT_THAT(errors_for({200}),
              ElementsAre("test.json: upstreams.backend.health_check.expect_status: expected two "
                          "statuses [LOW, HIGH], got 1 element"));
  EXPECT_THAT(errors_for({200, 300, 400}),
              ElementsAre("test.json: upstreams.backend.health_check.expect_status: expected two "
                          "statuses [LOW, HIGH], got 3 elements"));
  EXPECT_THAT(errors_for({99, 600}),
              ElementsAre("test.json: upstreams.backend.health_check.expect_status[0]: 99 is out "
                          "of range (100..599)",
                          "test.json: upstreams.backend.health_check.expect_status[1]: 600 is out "
                          "of range (100..599)"));
  EXPECT_THAT(errors_for({400, 200}),
              ElementsAre("test.json: upstreams.backend.health_check.expect_status: [400, 200] is "
                          "not a range (LOW must not exceed HIGH)"));
}

TEST(HealthCheckTest, ObjectAndKeyErrors) {
  EXPECT_THAT(errors_of(with_keys({{"health_check", true}})),
              ElementsAre("test.json: upstreams.backend.health_check: expected an object, got "
                          "boolean"));
  EXPECT_THAT(errors_of(with_keys({{"health_check", {{"intervall", "5s"}}}})),
              ElementsAre("test.json: upstreams.backend.health_check: unknown key \"intervall\" "
                          "(did you mean \"interval\"?)"));
}

TEST(StickyTest, CookieAloneGivesASessionCookieOnTheRoot) {
  const UpstreamConfig upstream = upstream_of({{"sticky", {{"cookie", "relay7_srv"}}}});
  ASSERT_TRUE(upstream.sticky.has_value());
  EXPECT_EQ(upstream.sticky->cookie, "relay7_srv");
  EXPECT_EQ(upstream.sticky->path, "/");
  EXPECT_FALSE(upstream.sticky->max_age.has_value());
}

TEST(StickyTest, ReadsEveryKey) {
  const UpstreamConfig upstream =
      upstream_of({{"sticky", {{"cookie", "SRV.id"}, {"path", "/app/ x"}, {"max_age", "1h"}}}});
  ASSERT_TRUE(upstream.sticky.has_value());
  EXPECT_EQ(upstream.sticky->cookie, "SRV.id");
  EXPECT_EQ(upstream.sticky->path, "/app/ x");
  EXPECT_EQ(upstream.sticky->max_age, hours(1));
  EXPECT_EQ(upstream_of({{"sticky", {{"cookie", "s"}, {"max_age", "9600h"}}}}).sticky->max_age,
            hours(9600));
}

TEST(StickyTest, CookieErrors) {
  EXPECT_THAT(errors_of(with_keys({{"sticky", {{"path", "/"}}}})),
              ElementsAre("test.json: upstreams.backend.sticky: missing required key \"cookie\""));
  EXPECT_THAT(errors_of(with_keys({{"sticky", {{"cookie", ""}}}})),
              ElementsAre("test.json: upstreams.backend.sticky.cookie: must not be empty"));
  for (const char* name : {"relay7 srv", "a=b", "a;b", "\"q\"", "caf\xc3\xa9", "a\tb"}) {
    EXPECT_THAT(errors_of(with_keys({{"sticky", {{"cookie", name}}}})),
                ElementsAre("test.json: upstreams.backend.sticky.cookie: " + Json(name).dump() +
                            " is not a valid cookie name (use letters, digits and "
                            "!#$%&'*+-.^_`|~)"));
  }
}

TEST(StickyTest, PathAndMaxAgeErrors) {
  EXPECT_THAT(
      errors_of(with_keys({{"sticky", {{"cookie", "s"}, {"path", "app"}, {"max_age", "0s"}}}})),
      ElementsAre("test.json: upstreams.backend.sticky.path: \"app\" must start with '/'",
                  "test.json: upstreams.backend.sticky.max_age: \"0s\" is below the minimum of "
                  "1s"));
  EXPECT_THAT(errors_of(with_keys(
                  {{"sticky", {{"cookie", "s"}, {"path", "/a;b"}, {"max_age", "1500ms"}}}})),
              ElementsAre("test.json: upstreams.backend.sticky.path: \"/a;b\" must not contain ';'",
                          "test.json: upstreams.backend.sticky.max_age: \"1500ms\" is not a whole "
                          "number of seconds (Max-Age counts seconds)"));
  EXPECT_THAT(
      errors_of(with_keys({{"sticky", {{"cookie", "s"}, {"path", "/a\n"}, {"max_age", "9601h"}}}})),
      ElementsAre("test.json: upstreams.backend.sticky.path: \"/a\\n\" must not contain control "
                  "characters",
                  "test.json: upstreams.backend.sticky.max_age: \"9601h\" exceeds the maximum of "
                  "9600h"));
  EXPECT_THAT(errors_of(with_keys({{"sticky", {{"cookie", "s"}, {"max_age", 3600}}}})),
              ElementsAre("test.json: upstreams.backend.sticky.max_age: expected a duration "
                          "string such as \"10s\", got number"));
}

TEST(RetryPolicyTest, ReadsEveryKey) {
  const UpstreamConfig upstream = upstream_of({{"next_upstream_tries", 3},
                                               {"next_upstream_timeout", "30s"},
                                               {"fail_on_status", {502, 503, 504}}});
  EXPECT_EQ(upstream.next_upstream_tries, 3u);
  EXPECT_EQ(upstream.next_upstream_timeout, seconds(30));
  EXPECT_EQ(upstream.fail_on_status, (std::vector<int>{502, 503, 504}));
  const UpstreamConfig limits = upstream_of({{"next_upstream_tries", 100},
                                             {"next_upstream_timeout", "0s"},
                                             {"fail_on_status", Json::array()}});
  EXPECT_EQ(limits.next_upstream_tries, 100u);
  EXPECT_EQ(limits.next_upstream_timeout, Duration(0));
  EXPECT_TRUE(limits.fail_on_status.empty());
}

TEST(RetryPolicyTest, TriesAndTimeoutErrors) {
  EXPECT_THAT(errors_of(with_keys({{"next_upstream_tries", 101}, {"next_upstream_timeout", "1x"}})),
              ElementsAre("test.json: upstreams.backend.next_upstream_tries: 101 is out of range "
                          "(0..100)",
                          "test.json: upstreams.backend.next_upstream_timeout: \"1x\" is not a "
                          "duration (use a number with ms, s, m or h, e.g. \"10s\")"));
  EXPECT_THAT(errors_of(with_keys({{"next_upstream_tries", -1}, {"next_upstream_timeout", "25h"}})),
              ElementsAre("test.json: upstreams.backend.next_upstream_tries: -1 is out of range "
                          "(0..100)",
                          "test.json: upstreams.backend.next_upstream_timeout: \"25h\" exceeds "
                          "the maximum of 24h"));
}

TEST(RetryPolicyTest, FailOnStatusErrors) {
  EXPECT_THAT(
      errors_of(with_keys({{"fail_on_status", {404, 200, 503, 503, 600, "502", 502.5}}})),
      ElementsAre("test.json: upstreams.backend.fail_on_status[0]: 404 is not a server failure: "
                  "a 4xx status is the client's fault (expected 500..599)",
                  "test.json: upstreams.backend.fail_on_status[1]: 200 is out of range (500..599)",
                  "test.json: upstreams.backend.fail_on_status[3]: 503 is listed twice (same as "
                  "fail_on_status[2])",
                  "test.json: upstreams.backend.fail_on_status[4]: 600 is out of range (500..599)",
                  "test.json: upstreams.backend.fail_on_status[5]: expected an integer, got string",
                  "test.json: upstreams.backend.fail_on_status[6]: 502.5 is not an integer "
                  "(expected 500..599)"));
  EXPECT_THAT(errors_of(with_keys({{"fail_on_status", 502}})),
              ElementsAre("test.json: upstreams.backend.fail_on_status: expected an array of 5xx "
                          "statuses, got number"));
}

}  // namespace
}  // namespace relay7
