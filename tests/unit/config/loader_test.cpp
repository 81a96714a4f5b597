#include "relay7/config/loader.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

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
using testing::minimal_config;
using ::testing::SizeIs;

constexpr const char* kFullExample = R"({
  "workers": 1,
  "pid_file": "/run/relay7.pid",
  "shutdown_timeout": "30s",
  "error_log": {"path": "stderr", "level": "info"},
  "access_log": {"path": "off", "format": "combined"},
  "timeouts": {"client_header": "60s", "upstream_connect": "5s"},
  "upstreams": {
    "allbackend": {
      "balance": "round_robin",
      "keepalive": 32,
      "servers": ["127.0.0.1:2222", {"address": "127.0.0.1:3333", "weight": 2}]
    },
    "summaryinstances": {"servers": ["127.0.0.1:2222", "127.0.0.1:3333"]}
  },
  "servers": [
    {
      "listen": ["80", "127.0.0.1:8080", "[::1]:8080"],
      "server_names": ["example.com", "*.example.com"],
      "locations": [
        {"path": "/", "proxy_pass": "http://allbackend/"},
        {"path": "/summary", "proxy_pass": "http://summaryinstances/"},
        {"path": "/status", "match": "exact", "return": 204},
        {"path": "/old", "return": {"status": 301, "location": "https://example.com/new"}},
        {"path": "/admin", "return": 403}
      ]
    }
  ]
})";

SocketAddress address(const char* text) {
  const auto parsed = parse_numeric_address(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.value_or(SocketAddress{});
}

TEST(LoaderTest, FullExampleBuildsTheModel) {
  const Config config = config_of(kFullExample);
  EXPECT_EQ(config.source_path, "test.json");
  EXPECT_EQ(config.workers, 1u);
  EXPECT_EQ(config.pid_file, "/run/relay7.pid");
  EXPECT_EQ(config.shutdown_timeout, seconds(30));
  EXPECT_EQ(config.error_log.path, "stderr");
  EXPECT_EQ(config.error_log.level, LogLevel::info);
  EXPECT_EQ(config.access_log.path, "off");
  EXPECT_EQ(config.access_log.format, "combined");
  EXPECT_EQ(config.timeouts.client_header, seconds(60));
  EXPECT_EQ(config.timeouts.upstream_connect, seconds(5));

  ASSERT_THAT(config.upstreams, SizeIs(2));
  const UpstreamConfig& all = config.upstreams[0];
  EXPECT_EQ(all.name, "allbackend");
  EXPECT_EQ(all.balance, BalanceMethod::round_robin);
  EXPECT_EQ(all.keepalive, 32u);
  EXPECT_FALSE(all.implicit);
  ASSERT_THAT(all.servers, SizeIs(2));
  EXPECT_EQ(all.servers[0].address_text, "127.0.0.1:2222");
  EXPECT_EQ(all.servers[0].addresses.at(0), address("127.0.0.1:2222"));
  EXPECT_EQ(all.servers[0].weight, 1u);
  EXPECT_EQ(all.servers[1].address_text, "127.0.0.1:3333");
  EXPECT_EQ(all.servers[1].addresses.at(0), address("127.0.0.1:3333"));
  EXPECT_EQ(all.servers[1].weight, 2u);
  EXPECT_EQ(config.upstreams[1].name, "summaryinstances");
  EXPECT_THAT(config.upstreams[1].servers, SizeIs(2));

  ASSERT_THAT(config.servers, SizeIs(1));
  const ServerConfig& server = config.servers[0];
  ASSERT_THAT(server.listen, SizeIs(3));
  EXPECT_EQ(server.listen[0].text, "80");
  EXPECT_EQ(server.listen[0].address, address("0.0.0.0:80"));
  EXPECT_EQ(server.listen[1].address, address("127.0.0.1:8080"));
  EXPECT_EQ(server.listen[2].text, "[::1]:8080");
  EXPECT_EQ(server.listen[2].address, address("[::1]:8080"));
  EXPECT_THAT(server.server_names, ElementsAre("example.com", "*.example.com"));

  ASSERT_THAT(server.locations, SizeIs(5));
  const auto& root = server.locations[0];
  EXPECT_EQ(root.path, "/");
  EXPECT_EQ(root.match, MatchKind::prefix);
  ASSERT_TRUE(root.proxy_pass.has_value());
  EXPECT_FALSE(root.return_action.has_value());
  EXPECT_EQ(root.proxy_pass->upstream, "allbackend");
  EXPECT_EQ(root.proxy_pass->uri_prefix, "/");
  EXPECT_EQ(server.locations[1].proxy_pass->upstream, "summaryinstances");

  const auto& status = server.locations[2];
  EXPECT_EQ(status.match, MatchKind::exact);
  EXPECT_FALSE(status.proxy_pass.has_value());
  ASSERT_TRUE(status.return_action.has_value());
  EXPECT_EQ(status.return_action->status, 204);

  const auto& old = server.locations[3];
  ASSERT_TRUE(old.return_action.has_value());
  EXPECT_EQ(old.return_action->status, 301);
  EXPECT_EQ(old.return_action->location.text, "https://example.com/new");
  EXPECT_EQ(old.return_action->body, "");
  EXPECT_EQ(server.locations[4].return_action->status, 403);

  EXPECT_EQ(config.find_upstream("summaryinstances"), &config.upstreams[1]);
  EXPECT_EQ(config.find_upstream("nothing"), nullptr);
}

TEST(LoaderTest, MinimalConfigFillsEveryDefault) {
  const Config config = config_of(minimal_config());
  const TimeoutsConfig defaults;
  EXPECT_EQ(config.source_path, "test.json");
  EXPECT_EQ(config.workers, 0u);
  EXPECT_EQ(config.pid_file, "/run/relay7.pid");
  EXPECT_EQ(config.user, "");
  EXPECT_EQ(config.group, "");
  EXPECT_EQ(config.shutdown_timeout, seconds(30));
  EXPECT_EQ(config.error_log.path, "stderr");
  EXPECT_EQ(config.error_log.level, LogLevel::info);
  EXPECT_EQ(config.access_log.path, "off");
  EXPECT_EQ(config.access_log.format, "combined");
  EXPECT_EQ(config.timeouts.client_header, seconds(60));
  EXPECT_EQ(config.timeouts.client_body, seconds(60));
  EXPECT_EQ(config.timeouts.keepalive, seconds(75));
  EXPECT_EQ(config.timeouts.send, seconds(60));
  EXPECT_EQ(config.timeouts.upstream_connect, seconds(5));
  EXPECT_EQ(config.timeouts.upstream_read, seconds(60));
  EXPECT_EQ(config.timeouts.upstream_send, seconds(60));
  EXPECT_TRUE(config.upstreams.empty());
  ASSERT_THAT(config.servers, SizeIs(1));
  EXPECT_TRUE(config.servers[0].server_names.empty());
  EXPECT_EQ(config.servers[0].locations[0].match, MatchKind::prefix);
}

TEST(LoaderTest, SeedRoundRobinOverFourBackends) {
  const Config config = config_of(R"({
    "upstreams": {"backend": {"servers": ["127.0.0.1:2222", "127.0.0.1:3333",
                                          "127.0.0.1:4444", "127.0.0.1:5555"]}},
    "servers": [{"listen": ["8080"], "locations": [{"path": "/", "proxy_pass": "http://backend"}]}]
  })");
  ASSERT_THAT(config.upstreams, SizeIs(1));
  const auto& upstream = config.upstreams[0];
  EXPECT_EQ(upstream.balance, BalanceMethod::round_robin);
  ASSERT_THAT(upstream.servers, SizeIs(4));
  const char* expected[] = {"127.0.0.1:2222", "127.0.0.1:3333", "127.0.0.1:4444", "127.0.0.1:5555"};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(upstream.servers[i].addresses.at(0).to_string(), expected[i]);
    EXPECT_EQ(upstream.servers[i].weight, 1u);
  }
  const auto& location = config.servers[0].locations[0];
  EXPECT_EQ(location.proxy_pass->upstream, "backend");
  EXPECT_EQ(location.proxy_pass->uri_prefix, std::nullopt);
}

TEST(LoaderTest, SeedIpHash) {
  const Config config = config_of(R"({
    "upstreams": {"sticky": {"balance": "ip_hash", "servers": ["127.0.0.1:2222", "127.0.0.1:3333"]}},
    "servers": [{"listen": ["8080"], "locations": [{"path": "/", "proxy_pass": "http://sticky/"}]}]
  })");
  ASSERT_THAT(config.upstreams, SizeIs(1));
  EXPECT_EQ(config.upstreams[0].balance, BalanceMethod::ip_hash);
  EXPECT_THAT(config.upstreams[0].servers, SizeIs(2));
}

TEST(LoaderTest, SeedPathRoutingWithThreeUpstreams) {
  const Config config = config_of(R"({
    "upstreams": {
      "web": {"servers": ["127.0.0.1:2222"]},
      "api": {"servers": ["127.0.0.1:3333"]},
      "static": {"servers": ["127.0.0.1:4444"]}
    },
    "servers": [{"listen": ["8080"], "locations": [
      {"path": "/", "proxy_pass": "http://web"},
      {"path": "/api/", "proxy_pass": "http://api/v1/"},
      {"path": "/static", "proxy_pass": "http://static/files"}
    ]}]
  })");
  ASSERT_THAT(config.upstreams, SizeIs(3));
  // File order, not alphabetical.
  EXPECT_EQ(config.upstreams[0].name, "web");
  EXPECT_EQ(config.upstreams[1].name, "api");
  EXPECT_EQ(config.upstreams[2].name, "static");
  const auto& locations = config.servers[0].locations;
  ASSERT_THAT(locations, SizeIs(3));
  EXPECT_EQ(locations[0].proxy_pass->upstream, "web");
  EXPECT_EQ(locations[0].proxy_pass->uri_prefix, std::nullopt);
  EXPECT_EQ(locations[1].path, "/api/");
  EXPECT_EQ(locations[1].proxy_pass->upstream, "api");
  EXPECT_EQ(locations[1].proxy_pass->uri_prefix, "/v1/");
  EXPECT_EQ(locations[2].proxy_pass->upstream, "static");
  EXPECT_EQ(locations[2].proxy_pass->uri_prefix, "/files");
  EXPECT_EQ(config.find_upstream("api")->servers[0].addresses.at(0).to_string(), "127.0.0.1:3333");
}

TEST(LoaderTest, SeedBlockAdminWith403) {
  const Config config = config_of(R"({
    "upstreams": {"backend": {"servers": ["127.0.0.1:2222"]}},
    "servers": [{"listen": ["8080"], "locations": [
      {"path": "/", "proxy_pass": "http://backend/"},
      {"path": "/admin", "return": 403}
    ]}]
  })");
  const auto& admin = config.servers[0].locations[1];
  EXPECT_EQ(admin.path, "/admin");
  EXPECT_EQ(admin.match, MatchKind::prefix);
  EXPECT_FALSE(admin.proxy_pass.has_value());
  ASSERT_TRUE(admin.return_action.has_value());
  EXPECT_EQ(admin.return_action->status, 403);
  EXPECT_EQ(admin.return_action->location.text, "");
}

TEST(LoaderTest, CollectsEveryErrorInOneRun) {
  auto document = minimal_config();
  document["workers"] = 0;
  document["pid_file"] = "";
  document["servers"][0]["listen"][0] = "80;";
  document["servers"][0]["locations"][0]["retirn"] = 1;
  const auto result = testing::load(document);
  EXPECT_FALSE(result.config.has_value());
  EXPECT_THAT(result.errors,
              ElementsAre("test.json: workers: 0 is out of range (1..1024)",
                          "test.json: pid_file: must not be empty",
                          "test.json: servers[0].listen[0]: \"80;\" is not a port",
                          "test.json: servers[0].locations[0]: unknown key \"retirn\" (did you "
                          "mean \"return\"?)"));
}

TEST(LoaderTest, EmptyOrBlankTextIsAnError) {
  EXPECT_THAT(errors_of(std::string()),
              ElementsAre("test.json: the file is empty (expected a JSON object)"));
  EXPECT_THAT(errors_of(std::string(" \n\t\r\n")),
              ElementsAre("test.json: the file is empty (expected a JSON object)"));
}

TEST(LoaderTest, TopLevelMustBeAnObject) {
  EXPECT_THAT(errors_of(std::string("[]")),
              ElementsAre("test.json: the top level must be a JSON object, got array"));
  EXPECT_THAT(errors_of(std::string("42")),
              ElementsAre("test.json: the top level must be a JSON object, got number"));
}

TEST(LoaderTest, ServersAreRequired) {
  EXPECT_THAT(errors_of(std::string("{}")),
              ElementsAre("test.json: missing required key \"servers\""));
  EXPECT_THAT(errors_of(std::string(R"({"servers": []})")),
              ElementsAre("test.json: servers: at least one server block is required"));
  EXPECT_THAT(errors_of(std::string(R"({"servers": {}})")),
              ElementsAre("test.json: servers: expected an array of server objects, got object"));
  EXPECT_THAT(errors_of(std::string(R"({"servers": [5]})")),
              ElementsAre("test.json: servers[0]: expected an object, got number"));
}

TEST(LoaderTest, UnknownTopLevelKeyGetsASuggestion) {
  auto document = minimal_config();
  document["worker"] = 2;
  document["frobnicate"] = true;
  EXPECT_THAT(errors_of(document),
              ElementsAre("test.json: unknown key \"worker\" (did you mean \"workers\"?)",
                          "test.json: unknown key \"frobnicate\""));
}

TEST(LoaderTest, SourceNameIsUsedVerbatim) {
  const auto result = parse_config_text("[]", "/etc/relay7/../relay7.json");
  EXPECT_THAT(result.errors,
              ElementsAre("/etc/relay7/../relay7.json: the top level must be a JSON object, got "
                          "array"));
}

class LoadConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/relay7-loader-test-XXXXXX";
    const int fd = mkstemp(pattern);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = pattern;
  }
  void TearDown() override { std::remove(path_.c_str()); }

  void write(const std::string& text) { std::ofstream(path_, std::ios::binary) << text; }

  std::string path_;
};

TEST_F(LoadConfigFileTest, LoadsAFileAndRecordsItsPath) {
  write(kFullExample);
  const auto result = load_config_file(path_);
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(result.errors);
  EXPECT_EQ(result.config->source_path, path_);
  EXPECT_EQ(result.config->servers[0].locations.size(), 5u);
}

TEST_F(LoadConfigFileTest, ErrorsNameTheFile) {
  write("{\n  \"workers\": 1,\n}\n");
  const auto result = load_config_file(path_);
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(result.errors,
              ElementsAre(path_ + ":3:1: syntax error: unexpected '}'; expected string literal"));
}

TEST_F(LoadConfigFileTest, MissingFileIsReportedWithStrerror) {
  const std::string missing = path_ + ".does-not-exist";
  const auto result = load_config_file(missing);
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(result.errors, ElementsAre(missing + ": cannot read: No such file or directory"));
}

TEST_F(LoadConfigFileTest, DirectoryIsReportedWithStrerror) {
  const auto result = load_config_file("/tmp");
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(result.errors, ElementsAre("/tmp: cannot read: Is a directory"));
}

}  // namespace
}  // namespace relay7
