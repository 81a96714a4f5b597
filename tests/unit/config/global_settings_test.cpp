#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace relay7 {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::config_of;
using ::testing::ElementsAre;
using testing::errors_of;
using testing::minimal_config;

nlohmann::ordered_json with(const char* key, nlohmann::ordered_json value) {
  auto document = minimal_config();
  document[key] = std::move(value);
  return document;
}

TEST(WorkersTest, AcceptsIntegersAndAuto) {
  EXPECT_EQ(config_of(with("workers", 1)).workers, 1u);
  EXPECT_EQ(config_of(with("workers", 1024)).workers, 1024u);
  EXPECT_EQ(config_of(with("workers", "auto")).workers, 0u);
}

TEST(WorkersTest, RejectsOutOfRange) {
  EXPECT_THAT(errors_of(with("workers", 0)),
              ElementsAre("test.json: workers: 0 is out of range (1..1024)"));
  EXPECT_THAT(errors_of(with("workers", 1025)),
              ElementsAre("test.json: workers: 1025 is out of range (1..1024)"));
  EXPECT_THAT(errors_of(with("workers", -3)),
              ElementsAre("test.json: workers: -3 is out of range (1..1024)"));
  EXPECT_THAT(errors_of(with("workers", 18446744073709551615ull)),
              ElementsAre("test.json: workers: 18446744073709551615 is out of range (1..1024)"));
}

TEST(WorkersTest, RejectsNonIntegers) {
  EXPECT_THAT(errors_of(with("workers", 2.5)),
              ElementsAre("test.json: workers: 2.5 is not an integer (expected 1..1024)"));
  EXPECT_THAT(errors_of(with("workers", "many")),
              ElementsAre("test.json: workers: \"many\" is not valid (expected an integer 1..1024 "
                          "or \"auto\")"));
  EXPECT_THAT(errors_of(with("workers", true)),
              ElementsAre("test.json: workers: expected an integer 1..1024 or \"auto\", got "
                          "boolean"));
}

TEST(ProcessSettingsTest, StoresPidFileUserAndGroup) {
  auto document = minimal_config();
  document["pid_file"] = "/tmp/r.pid";
  document["user"] = "www-data";
  document["group"] = "nogroup";
  const Config config = config_of(document);
  EXPECT_EQ(config.pid_file, "/tmp/r.pid");
  EXPECT_EQ(config.user, "www-data");
  EXPECT_EQ(config.group, "nogroup");
}

TEST(ProcessSettingsTest, StringsMustBeNonEmptyStrings) {
  EXPECT_THAT(errors_of(with("pid_file", "")),
              ElementsAre("test.json: pid_file: must not be empty"));
  EXPECT_THAT(errors_of(with("pid_file", nullptr)),
              ElementsAre("test.json: pid_file: expected a string, got null"));
  EXPECT_THAT(errors_of(with("user", "")), ElementsAre("test.json: user: must not be empty"));
  EXPECT_THAT(errors_of(with("group", 0)),
              ElementsAre("test.json: group: expected a string, got number"));
}

TEST(ShutdownTimeoutTest, AcceptsDurations) {
  EXPECT_EQ(config_of(with("shutdown_timeout", "250ms")).shutdown_timeout, milliseconds(250));
  EXPECT_EQ(config_of(with("shutdown_timeout", "2m")).shutdown_timeout, minutes(2));
  EXPECT_EQ(config_of(with("shutdown_timeout", "0s")).shutdown_timeout, seconds(0));
}

TEST(ShutdownTimeoutTest, ANumberIsNotADuration) {
  EXPECT_THAT(errors_of(with("shutdown_timeout", 30)),
              ElementsAre("test.json: shutdown_timeout: expected a duration string such as "
                          "\"10s\", got number"));
}

TEST(ShutdownTimeoutTest, MalformedDurationExplainsTheFormat) {
  EXPECT_THAT(errors_of(with("shutdown_timeout", "10x")),
              ElementsAre("test.json: shutdown_timeout: \"10x\" is not a duration (use a number "
                          "with ms, s, m or h, e.g. \"10s\")"));
}

TEST(TimeoutsTest, ReadsEveryTimeout) {
  const Config config = config_of(with("timeouts", {{"client_header", "1s"},
                                                    {"client_body", "2s"},
                                                    {"keepalive", "3s"},
                                                    {"send", "4s"},
                                                    {"upstream_connect", "500ms"},
                                                    {"upstream_read", "2m"},
                                                    {"upstream_send", "1h"},
                                                    {"upstream_idle", "30s"},
                                                    {"tunnel_idle", "10m"}}));
  EXPECT_EQ(config.timeouts.client_header, seconds(1));
  EXPECT_EQ(config.timeouts.client_body, seconds(2));
  EXPECT_EQ(config.timeouts.keepalive, seconds(3));
  EXPECT_EQ(config.timeouts.send, seconds(4));
  EXPECT_EQ(config.timeouts.upstream_connect, milliseconds(500));
  EXPECT_EQ(config.timeouts.upstream_read, minutes(2));
  EXPECT_EQ(config.timeouts.upstream_send, hours(1));
  EXPECT_EQ(config.timeouts.upstream_idle, seconds(30));
  EXPECT_EQ(config.timeouts.tunnel_idle, minutes(10));
}

TEST(TimeoutsTest, UnsetTimeoutsKeepTheirDefaults) {
  const Config config = config_of(with("timeouts", {{"send", "9s"}}));
  EXPECT_EQ(config.timeouts.send, seconds(9));
  EXPECT_EQ(config.timeouts.client_header, seconds(60));
  EXPECT_EQ(config.timeouts.keepalive, seconds(75));
  EXPECT_EQ(config.timeouts.upstream_connect, seconds(5));
  EXPECT_EQ(config.timeouts.upstream_idle, seconds(60));
  EXPECT_EQ(config.timeouts.tunnel_idle, hours(1));
}

TEST(TimeoutsTest, OnlyKeepaliveAndTunnelIdleMayBeZero) {
  EXPECT_EQ(config_of(with("timeouts", {{"keepalive", "0s"}})).timeouts.keepalive, seconds(0));
  EXPECT_EQ(config_of(with("timeouts", {{"tunnel_idle", "0s"}})).timeouts.tunnel_idle, seconds(0));
  EXPECT_THAT(errors_of(with("timeouts", {{"upstream_idle", "0s"}})),
              ElementsAre("test.json: timeouts.upstream_idle: \"0s\" must be greater than 0"));
  EXPECT_THAT(errors_of(with("timeouts", {{"client_header", "0s"},
                                          {"client_body", "0ms"},
                                          {"send", "0s"},
                                          {"upstream_connect", "0s"},
                                          {"upstream_read", "0h"},
                                          {"upstream_send", "0m"}})),
              ElementsAre("test.json: timeouts.client_header: \"0s\" must be greater than 0",
                          "test.json: timeouts.client_body: \"0ms\" must be greater than 0",
                          "test.json: timeouts.send: \"0s\" must be greater than 0",
                          "test.json: timeouts.upstream_connect: \"0s\" must be greater than 0",
                          "test.json: timeouts.upstream_read: \"0h\" must be greater than 0",
                          "test.json: timeouts.upstream_send: \"0m\" must be greater than 0"));
}

TEST(TimeoutsTest, AtMostOneDay) {
  EXPECT_EQ(config_of(with("timeouts", {{"upstream_read", "24h"}})).timeouts.upstream_read,
            hours(24));
  EXPECT_THAT(
      errors_of(with("timeouts", {{"upstream_read", "1441m"}, {"keepalive", "25h"}})),
      ElementsAre("test.json: timeouts.keepalive: \"25h\" exceeds the maximum of 24h",
                  "test.json: timeouts.upstream_read: \"1441m\" exceeds the maximum of 24h"));
  EXPECT_THAT(errors_of(with("shutdown_timeout", "90000s")),
              ElementsAre("test.json: shutdown_timeout: \"90000s\" exceeds the maximum of 24h"));
}

TEST(TimeoutsTest, TypeAndKeyErrors) {
  EXPECT_THAT(errors_of(with("timeouts", {{"send", 5}, {"upstream_conect", "1s"}})),
              ElementsAre("test.json: timeouts: unknown key \"upstream_conect\" (did you mean "
                          "\"upstream_connect\"?)",
                          "test.json: timeouts.send: expected a duration string such as \"10s\", "
                          "got number"));
  EXPECT_THAT(errors_of(with("timeouts", "60s")),
              ElementsAre("test.json: timeouts: expected an object, got string"));
}

TEST(ErrorLogTest, ReadsPathAndEveryLevel) {
  const std::pair<const char*, LogLevel> levels[] = {
      {"trace", LogLevel::trace}, {"debug", LogLevel::debug}, {"info", LogLevel::info},
      {"warn", LogLevel::warn},   {"error", LogLevel::error}, {"critical", LogLevel::critical},
      {"off", LogLevel::off}};
  for (const auto& [name, level] : levels) {
    const Config config =
        config_of(with("error_log", {{"path", "/var/log/r.log"}, {"level", name}}));
    EXPECT_EQ(config.error_log.level, level) << name;
    EXPECT_EQ(config.error_log.path, "/var/log/r.log");
  }
}

TEST(ErrorLogTest, RejectsUnknownLevels) {
  EXPECT_THAT(errors_of(with("error_log", {{"level", "warning"}})),
              ElementsAre("test.json: error_log.level: \"warning\" is not valid (expected "
                          "\"trace\", \"debug\", \"info\", \"warn\", \"error\", \"critical\" or "
                          "\"off\")"));
  EXPECT_THAT(errors_of(with("error_log", {{"level", "debgu"}})),
              ElementsAre("test.json: error_log.level: \"debgu\" is not valid (did you mean "
                          "\"debug\"?)"));
  EXPECT_THAT(errors_of(with("error_log", {{"level", 3}})),
              ElementsAre("test.json: error_log.level: expected one of \"trace\", \"debug\", "
                          "\"info\", \"warn\", \"error\", \"critical\" or \"off\", got number"));
}

TEST(ErrorLogTest, RejectsUnknownKeysAndEmptyPath) {
  EXPECT_THAT(errors_of(with("error_log", {{"file", "x"}, {"path", ""}})),
              ElementsAre("test.json: error_log: unknown key \"file\"",
                          "test.json: error_log.path: must not be empty"));
}

TEST(AccessLogTest, AcceptsEveryDestination) {
  for (const char* path : {"off", "stdout", "stderr", "/var/log/access.log"}) {
    const Config config = config_of(with("access_log", {{"path", path}, {"format", "combined"}}));
    EXPECT_EQ(config.access_log.path, path);
    EXPECT_EQ(config.access_log.format, "combined");
  }
}

TEST(AccessLogTest, FormatsAreCombinedJsonOrATemplate) {
  EXPECT_EQ(config_of(with("access_log", {{"format", "json"}})).access_log.kind,
            AccessLogFormat::json);
  const Config custom =
      config_of(with("access_log", {{"format", "$remote_addr $status $http_x_a"}}));
  EXPECT_EQ(custom.access_log.kind, AccessLogFormat::custom);
  EXPECT_EQ(custom.access_log.line.parts.size(), 5u);
  EXPECT_THAT(errors_of(with("access_log", {{"format", "jsno"}})),
              ElementsAre("test.json: access_log.format: \"jsno\" is not valid (did you mean "
                          "\"json\"?) (expected \"combined\", \"json\" or a template with "
                          "$variables)"));
  EXPECT_THAT(errors_of(with("access_log", {{"format", "$remote_addr $proxy_add_forwarded"}})),
              ElementsAre(::testing::HasSubstr("unknown variable \"$proxy_add_forwarded\"")));
  EXPECT_THAT(errors_of(with("access_log", {{"format", "$status\n$status"}})),
              ElementsAre("test.json: access_log.format: a log line cannot hold control "
                          "characters"));
  EXPECT_THAT(errors_of(with("access_log", {{"formt", "combined"}})),
              ElementsAre("test.json: access_log: unknown key \"formt\" (did you mean "
                          "\"format\"?)"));
  EXPECT_THAT(errors_of(with("access_log", "off")),
              ElementsAre("test.json: access_log: expected an object, got string"));
}

TEST(RequestIdTest, DefaultsAndErrors) {
  const Config config = config_of(with("request_id", nlohmann::ordered_json::object()));
  ASSERT_TRUE(config.request_id.has_value());
  EXPECT_EQ(config.request_id->header, "X-Request-ID");
  EXPECT_FALSE(config.request_id->trust);
  EXPECT_FALSE(config.request_id->return_to_client);
  const Config set =
      config_of(with("request_id", {{"header", "X-Trace-Id"}, {"trust", true}, {"return", true}}));
  EXPECT_EQ(set.request_id->header, "X-Trace-Id");
  EXPECT_TRUE(set.request_id->trust);
  EXPECT_TRUE(set.request_id->return_to_client);
  EXPECT_THAT(errors_of(with("request_id", {{"header", "Content-Length"}, {"retrun", true}})),
              ElementsAre("test.json: request_id: unknown key \"retrun\" (did you mean "
                          "\"return\"?)",
                          "test.json: request_id.header: \"Content-Length\" cannot carry a "
                          "request ID"));
}

TEST(LimitsTest, DefaultsAreTheDocumentedOnes) {
  const LimitsConfig limits = config_of(minimal_config()).limits;
  EXPECT_EQ(limits.request_target, 8u * 1024);
  EXPECT_EQ(limits.request_head, 64u * 1024);
  EXPECT_EQ(limits.request_headers, 100u);
  EXPECT_EQ(limits.response_head, 64u * 1024);
  EXPECT_EQ(limits.response_headers, 100u);
}

TEST(LimitsTest, ReadsEveryKey) {
  const LimitsConfig limits = config_of(with("limits", {{"request_target", "16k"},
                                                        {"request_head", "1m"},
                                                        {"request_headers", 200},
                                                        {"response_head", "128k"},
                                                        {"response_headers", 50}}))
                                  .limits;
  EXPECT_EQ(limits.request_target, 16u * 1024);
  EXPECT_EQ(limits.request_head, 1024u * 1024);
  EXPECT_EQ(limits.request_headers, 200u);
  EXPECT_EQ(limits.response_head, 128u * 1024);
  EXPECT_EQ(limits.response_headers, 50u);
}

TEST(LimitsTest, RejectsValuesOutOfRangeAndUnknownKeys) {
  EXPECT_THAT(
      errors_of(with("limits", {{"request_target", "100"}})),
      ElementsAre("test.json: limits.request_target: must be between 256 and 1048576 bytes"));
  EXPECT_THAT(
      errors_of(with("limits", {{"response_head", "1g"}})),
      ElementsAre("test.json: limits.response_head: must be between 1024 and 16777216 bytes"));
  EXPECT_THAT(errors_of(with("limits", {{"request_headers", 0}})),
              ElementsAre("test.json: limits.request_headers: 0 is out of range (8..10000)"));
  EXPECT_THAT(errors_of(with("limits", {{"request_header", 10}})),
              ElementsAre("test.json: limits: unknown key \"request_header\" (did you mean "
                          "\"request_headers\"?)"));
}

}  // namespace
}  // namespace relay7
