#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace relay7 {
namespace {

using std::chrono::seconds;
using ::testing::AnyOf;
using testing::config_of;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using testing::errors_of;
using testing::minimal_config;
using ::testing::SizeIs;
using ::testing::StartsWith;
using testing::with_backend;

using Json = nlohmann::ordered_json;

Json with_servers(Json servers) {
  return with_backend({{"servers", std::move(servers)}});
}

TEST(UpstreamsTest, DefaultsForBalanceKeepaliveAndWeight) {
  const Config config = config_of(with_servers({"127.0.0.1:2222"}));
  ASSERT_THAT(config.upstreams, SizeIs(1));
  const UpstreamConfig& upstream = config.upstreams[0];
  EXPECT_EQ(upstream.name, "backend");
  EXPECT_EQ(upstream.balance, BalanceMethod::round_robin);
  EXPECT_EQ(upstream.keepalive, 32u);
  EXPECT_FALSE(upstream.implicit);
  ASSERT_THAT(upstream.servers, SizeIs(1));
  EXPECT_EQ(upstream.servers[0].weight, 1u);
  EXPECT_EQ(upstream.servers[0].max_fails, 1u);
  EXPECT_EQ(upstream.servers[0].fail_timeout, seconds(10));
  EXPECT_FALSE(upstream.servers[0].backup);
  EXPECT_FALSE(upstream.servers[0].down);
  EXPECT_FALSE(upstream.health_check.has_value());
  EXPECT_FALSE(upstream.sticky.has_value());
  EXPECT_EQ(upstream.next_upstream_tries, 0u);
  EXPECT_EQ(upstream.next_upstream_timeout, Duration(0));
  EXPECT_THAT(upstream.fail_on_status, SizeIs(0));
}

TEST(UpstreamsTest, ReadsBalanceKeepaliveAndWeights) {
  const Config config = config_of(with_backend(
      {{"balance", "ip_hash"},
       {"keepalive", 0},
       {"servers", {{{"address", "127.0.0.1:1"}, {"weight", 1000}}, {{"address", "[::1]:2"}}}}}));
  const UpstreamConfig& upstream = config.upstreams[0];
  EXPECT_EQ(upstream.balance, BalanceMethod::ip_hash);
  EXPECT_EQ(upstream.keepalive, 0u);
  ASSERT_THAT(upstream.servers, SizeIs(2));
  EXPECT_EQ(upstream.servers[0].weight, 1000u);
  EXPECT_EQ(upstream.servers[1].address_text, "[::1]:2");
  EXPECT_EQ(upstream.servers[1].addresses.at(0).to_string(), "[::1]:2");
  EXPECT_EQ(upstream.servers[1].weight, 1u);
}

TEST(UpstreamsTest, UnusedUpstreamsAreKept) {
  auto document = with_servers({"127.0.0.1:1"});
  document["upstreams"]["spare"] = {{"servers", {"127.0.0.1:2"}}};
  const Config config = config_of(document);
  ASSERT_THAT(config.upstreams, SizeIs(2));
  EXPECT_NE(config.find_upstream("spare"), nullptr);
}

TEST(UpstreamsTest, ResolvesLocalhostThroughTheSystemHostsFile) {
  const Config config = config_of(with_servers({"localhost:2222"}));
  const UpstreamServerConfig& server = config.upstreams[0].servers[0];
  EXPECT_EQ(server.address_text, "localhost:2222");
  EXPECT_EQ(server.name, "localhost");
  EXPECT_EQ(server.port, 2222);
  ASSERT_FALSE(server.addresses.empty());
  for (const SocketAddress& address : server.addresses) {
    EXPECT_EQ(address.port(), 2222);
    EXPECT_THAT(address.host_string(), AnyOf("127.0.0.1", "::1"));
  }
}

TEST(UpstreamsTest, ANameStandsForEveryAddressItHasInAddressOrder) {
  testing::FakeResolvers resolvers(
      std::map<std::string, std::string>{{"app.test", "10.0.0.9 ::1 10.0.0.2 10.0.0.9"}});
  const auto loaded = resolvers.load(with_servers({"App.Test:8080", "10.0.0.1:8080"}));
  ASSERT_TRUE(loaded.ok()) << loaded.errors.front();
  const UpstreamServerConfig& name = loaded.config->upstreams[0].servers[0];
  EXPECT_EQ(name.address_text, "App.Test:8080");
  EXPECT_EQ(name.name, "app.test") << "names are compared and resolved in lower case";
  EXPECT_EQ(name.port, 8080);
  std::vector<std::string> addresses;
  for (const SocketAddress& address : name.addresses) {
    addresses.push_back(address.to_string());
  }
  EXPECT_THAT(addresses, ElementsAre("10.0.0.2:8080", "10.0.0.9:8080", "[::1]:8080"));
  const UpstreamServerConfig& literal = loaded.config->upstreams[0].servers[1];
  EXPECT_FALSE(literal.is_name());
  EXPECT_EQ(literal.slot_count(), 1u);
  EXPECT_EQ(name.slot_count(), kMaxAddressesPerName);
  EXPECT_THAT(resolvers.asked(), ElementsAre("app.test"));
}

TEST(UpstreamsTest, ANameWithMoreAddressesThanTheBoundKeepsTheLowest) {
  std::string many;
  for (size_t i = 0; i < kMaxAddressesPerName + 4; ++i) {
    many += "10.0.1." + std::to_string(100 - i) + " ";
  }
  many.pop_back();
  testing::FakeResolvers resolvers({{"many.test", many}});
  const auto loaded = resolvers.load(with_servers({"many.test:80"}));
  ASSERT_TRUE(loaded.ok()) << loaded.errors.front();
  const auto& addresses = loaded.config->upstreams[0].servers[0].addresses;
  ASSERT_THAT(addresses, SizeIs(kMaxAddressesPerName));
  EXPECT_EQ(addresses.front().host_string(), "10.0.1.81");
  EXPECT_EQ(addresses.back().host_string(), "10.0.1.96");
}

TEST(UpstreamsTest, ANameIsLookedUpOncePerLoad) {
  testing::FakeResolvers resolvers(std::map<std::string, std::string>{{"app.test", "10.0.0.1"}});
  auto document = with_servers({"app.test:1", "app.test:2"});
  document["upstreams"]["other"] = {{"servers", {"APP.test:1"}}};
  document["servers"][0]["locations"].push_back(
      {{"path", "/direct"}, {"proxy_pass", "http://app.test:3"}});
  ASSERT_TRUE(resolvers.load(document).ok());
  EXPECT_THAT(resolvers.asked(), ElementsAre("app.test"));
}

TEST(UpstreamsTest, UnresolvableNameNamesTheHostAndTheReason) {
  testing::FakeResolvers resolvers({});
  const auto loaded = resolvers.load(with_servers({"nothing.test:80"}));
  EXPECT_THAT(loaded.errors, ElementsAre("test.json: upstreams.backend.servers[0]: "
                                         "\"nothing.test:80\": cannot resolve \"nothing.test\": "
                                         "Domain name not found"));
}

TEST(UpstreamsTest, TheSameNameTwiceIsRefusedButANameMayShareAnAddress) {
  testing::FakeResolvers resolvers({{"a.test", "10.0.0.1"}, {"b.test", "10.0.0.1"}});
  EXPECT_THAT(
      resolvers.load(with_servers({"a.test:80", "A.test:80", "a.test:81"})).errors,
      ElementsAre("test.json: upstreams.backend.servers[1]: \"A.test:80\" is listed twice (same "
                  "name and port as servers[0])"));
  EXPECT_TRUE(resolvers.load(with_servers({"a.test:80", "b.test:80", "10.0.0.1:80"})).ok());
}

TEST(UpstreamsTest, ResolveIntervalDefaultsTo30sAndZeroMeansOnlyAtLoad) {
  EXPECT_EQ(config_of(with_servers({"127.0.0.1:1"})).upstreams[0].resolve, seconds(30));
  const Config off = config_of(with_backend({{"resolve", "0s"}, {"servers", {"127.0.0.1:1"}}}));
  EXPECT_EQ(off.upstreams[0].resolve, seconds(0));
  const Config fast = config_of(with_backend({{"resolve", "1s"}, {"servers", {"127.0.0.1:1"}}}));
  EXPECT_EQ(fast.upstreams[0].resolve, seconds(1));
}

TEST(UpstreamsTest, ResolveIntervalBelowASecondIsRefused) {
  EXPECT_THAT(errors_of(with_backend({{"resolve", "500ms"}, {"servers", {"127.0.0.1:1"}}})),
              ElementsAre("test.json: upstreams.backend.resolve: must be at least \"1s\" (or "
                          "\"0s\": resolve names only when the config is loaded)"));
  EXPECT_THAT(errors_of(with_backend({{"resolve", "25h"}, {"servers", {"127.0.0.1:1"}}})),
              ElementsAre(StartsWith("test.json: upstreams.backend.resolve: \"25h\" exceeds")));
}

TEST(UpstreamsTest, ServersNeedingMoreSlotsThanAConfigMayHoldAreRefused) {
  std::map<std::string, std::string> names;
  Json servers = Json::array();
  const size_t count = kMaxServerSlotsPerConfig / kMaxAddressesPerName + 1;
  for (size_t i = 0; i < count; ++i) {
    names["n" + std::to_string(i) + ".test"] = "10.0.0.1";
    servers.push_back("n" + std::to_string(i) + ".test:80");
  }
  servers.push_back("10.0.0.1:80");
  testing::FakeResolvers resolvers(names);
  EXPECT_THAT(resolvers.load(with_servers(servers)).errors,
              ElementsAre("test.json: upstreams: the upstream servers need " +
                          std::to_string(count * kMaxAddressesPerName + 1) +
                          " shared-state slots (" + std::to_string(count) +
                          " names x 16 + 1 IP "
                          "addresses), more than the 8192 one config may hold"));
  servers.erase(servers.size() - 1);
  servers.erase(servers.size() - 1);
  EXPECT_TRUE(resolvers.load(with_servers(servers)).ok());
}

TEST(UpstreamsTest, EmptyServersVerbatim) {
  auto document = minimal_config();
  document["upstreams"]["summaryinstances"] = {{"servers", Json::array()}};
  EXPECT_THAT(errors_of(document),
              ElementsAre("test.json: upstreams.summaryinstances: no servers"));
}

TEST(UpstreamsTest, ServersAreRequired) {
  EXPECT_THAT(errors_of(with_backend({{"balance", "ip_hash"}})),
              ElementsAre("test.json: upstreams.backend: missing required key \"servers\""));
  EXPECT_THAT(errors_of(with_backend({{"servers", "127.0.0.1:1"}})),
              ElementsAre("test.json: upstreams.backend.servers: expected an array of "
                          "\"HOST:PORT\" strings or objects, got string"));
}

TEST(UpstreamsTest, AddressNeedsAPort) {
  EXPECT_THAT(errors_of(with_servers({"127.0.0.1", "localhost", "[::1]"})),
              ElementsAre("test.json: upstreams.backend.servers[0]: \"127.0.0.1\" has no port "
                          "(expected HOST:PORT or [IPv6]:PORT)",
                          "test.json: upstreams.backend.servers[1]: \"localhost\" has no port "
                          "(expected HOST:PORT or [IPv6]:PORT)",
                          "test.json: upstreams.backend.servers[2]: \"[::1]\" has no port "
                          "(expected HOST:PORT or [IPv6]:PORT)"));
}

TEST(UpstreamsTest, RejectsBadAddresses) {
  EXPECT_THAT(
      errors_of(with_servers(
          {"127.0.0.1:0", "127.0.0.1:http", "::1:80", "[nothing]:80", ":80", "a b:80", ""})),
      ElementsAre(
          "test.json: upstreams.backend.servers[0]: \"127.0.0.1:0\": port 0 is out of range "
          "(1..65535)",
          "test.json: upstreams.backend.servers[1]: \"127.0.0.1:http\": \"http\" is not a port "
          "(expected 1..65535)",
          "test.json: upstreams.backend.servers[2]: \"::1:80\": an IPv6 address must be in "
          "brackets, e.g. \"[::1]:8080\"",
          "test.json: upstreams.backend.servers[3]: \"[nothing]:80\": \"nothing\" is not an IPv6 "
          "address",
          "test.json: upstreams.backend.servers[4]: \":80\" is not an address (expected HOST:PORT "
          "or [IPv6]:PORT)",
          "test.json: upstreams.backend.servers[5]: \"a b:80\" is not an address (expected "
          "HOST:PORT or [IPv6]:PORT)",
          "test.json: upstreams.backend.servers[6]: \"\" is not an address (expected HOST:PORT or "
          "[IPv6]:PORT)"));
}

TEST(UpstreamsTest, PortRange) {
  EXPECT_THAT(errors_of(with_servers({"127.0.0.1:65535", "localhost:70000"})),
              ElementsAre("test.json: upstreams.backend.servers[1]: \"localhost:70000\": port "
                          "70000 is out of range (1..65535)"));
}

TEST(UpstreamsTest, DuplicateServerAddress) {
  EXPECT_THAT(
      errors_of(with_servers({"127.0.0.1:1", "[::1]:2", {{"address", "127.0.0.1:1"}}, "[0::1]:2"})),
      ElementsAre("test.json: upstreams.backend.servers[2]: \"127.0.0.1:1\" is listed twice (same "
                  "address as servers[0])",
                  "test.json: upstreams.backend.servers[3]: \"[0::1]:2\" is listed twice (same "
                  "address as servers[1])"));
}

TEST(UpstreamsTest, SameAddressInDifferentUpstreamsIsFine) {
  auto document = with_servers({"127.0.0.1:1"});
  document["upstreams"]["other"] = {{"servers", {"127.0.0.1:1"}}};
  EXPECT_TRUE(testing::load(document).ok());
}

TEST(UpstreamsTest, ServerObjectErrors) {
  EXPECT_THAT(
      errors_of(with_servers({{{"weight", 2}},
                              {{"address", "127.0.0.1:1"}, {"weight", 0}},
                              {{"address", "127.0.0.1:2"}, {"weight", 1001}},
                              {{"address", "127.0.0.1:3"}, {"weight", 1.5}},
                              {{"address", "127.0.0.1:4"}, {"wieght", 2}},
                              {{"address", 5}},
                              true})),
      ElementsAre(
          "test.json: upstreams.backend.servers[0]: missing required key \"address\"",
          "test.json: upstreams.backend.servers[1].weight: 0 is out of range (1..1000)",
          "test.json: upstreams.backend.servers[2].weight: 1001 is out of range (1..1000)",
          "test.json: upstreams.backend.servers[3].weight: 1.5 is not an integer (expected "
          "1..1000)",
          "test.json: upstreams.backend.servers[4]: unknown key \"wieght\" (did you mean "
          "\"weight\"?)",
          "test.json: upstreams.backend.servers[5].address: expected a string, got number",
          "test.json: upstreams.backend.servers[6]: expected \"HOST:PORT\" or an object with "
          "\"address\", got boolean"));
}

TEST(UpstreamsTest, BalanceAndKeepaliveErrors) {
  EXPECT_THAT(
      errors_of(with_backend(
          {{"balance", "round-robin"}, {"keepalive", 10001}, {"servers", {"127.0.0.1:1"}}})),
      ElementsAre("test.json: upstreams.backend.balance: \"round-robin\" is not valid (did "
                  "you mean \"round_robin\"?)",
                  "test.json: upstreams.backend.keepalive: 10001 is out of range "
                  "(0..10000)"));
  EXPECT_THAT(errors_of(with_backend(
                  {{"balance", "random"}, {"keepalive", -1}, {"servers", {"127.0.0.1:1"}}})),
              ElementsAre("test.json: upstreams.backend.balance: \"random\" is not valid "
                          "(expected \"round_robin\", \"ip_hash\", \"hash\" or \"least_conn\")",
                          "test.json: upstreams.backend.keepalive: -1 is out of range (0..10000)"));
  EXPECT_THAT(errors_of(with_backend({{"balance", "leastconn"}, {"servers", {"127.0.0.1:1"}}})),
              ElementsAre("test.json: upstreams.backend.balance: \"leastconn\" is not valid (did "
                          "you mean \"least_conn\"?)"));
}

TEST(UpstreamsTest, UnknownKeyInUpstream) {
  EXPECT_THAT(errors_of(with_backend({{"server", {"127.0.0.1:1"}}, {"servers", {"127.0.0.1:1"}}})),
              ElementsAre("test.json: upstreams.backend: unknown key \"server\" (did you mean "
                          "\"servers\"?)"));
}

TEST(UpstreamsTest, NameRules) {
  auto document = minimal_config();
  document["upstreams"]["ok_name-1.v2"] = {{"servers", {"127.0.0.1:1"}}};
  EXPECT_TRUE(testing::load(document).ok());
  document["upstreams"]["a:b"] = {{"servers", {"127.0.0.1:2"}}};
  document["upstreams"]["has space"] = {{"servers", {"127.0.0.1:3"}}};
  EXPECT_THAT(errors_of(document),
              ElementsAre("test.json: upstreams[\"a:b\"]: \"a:b\" is not a valid upstream name "
                          "(use letters, digits, '_', '.' and '-')",
                          "test.json: upstreams[\"has space\"]: \"has space\" is not a valid "
                          "upstream name (use letters, digits, '_', '.' and '-')"));
}

TEST(UpstreamsTest, SectionTypes) {
  auto document = minimal_config();
  document["upstreams"] = Json::array();
  EXPECT_THAT(errors_of(document), ElementsAre("test.json: upstreams: expected an object of named "
                                               "upstreams, got array"));
  document["upstreams"] = {{"backend", {"127.0.0.1:1"}}};
  EXPECT_THAT(errors_of(document),
              ElementsAre("test.json: upstreams.backend: expected an object, got array"));
}

TEST(UpstreamsTest, ReadsEveryBalanceMethod) {
  const std::pair<const char*, BalanceMethod> methods[] = {
      {"round_robin", BalanceMethod::round_robin},
      {"ip_hash", BalanceMethod::ip_hash},
      {"least_conn", BalanceMethod::least_conn}};
  for (const auto& [name, method] : methods) {
    EXPECT_EQ(config_of(with_backend({{"balance", name}, {"servers", {"127.0.0.1:1"}}}))
                  .upstreams.at(0)
                  .balance,
              method)
        << name;
  }
  const Config config = config_of(
      with_backend({{"balance", "hash"}, {"hash_key", "$uri"}, {"servers", {"127.0.0.1:1"}}}));
  EXPECT_EQ(config.upstreams.at(0).balance, BalanceMethod::hash);
  EXPECT_EQ(config.upstreams.at(0).hash_key.source, HashKeySource::uri);
}

TEST(UpstreamFailureLimitsTest, UpstreamValuesAreDefaultsThatAServerOverrides) {
  const Config config = config_of(with_backend(
      {{"max_fails", 3},
       {"fail_timeout", "30s"},
       {"servers",
        {"127.0.0.1:1",
         {{"address", "127.0.0.1:2"}, {"max_fails", 0}},
         {{"address", "127.0.0.1:3"}, {"fail_timeout", "250ms"}},
         {{"address", "127.0.0.1:4"}, {"max_fails", 1000}, {"fail_timeout", "24h"}}}}}));
  const auto& servers = config.upstreams.at(0).servers;
  ASSERT_THAT(servers, SizeIs(4));
  EXPECT_EQ(servers[0].max_fails, 3u);
  EXPECT_EQ(servers[0].fail_timeout, seconds(30));
  EXPECT_EQ(servers[1].max_fails, 0u);
  EXPECT_EQ(servers[1].fail_timeout, seconds(30));
  EXPECT_EQ(servers[2].max_fails, 3u);
  EXPECT_EQ(servers[2].fail_timeout, Duration(250));
  EXPECT_EQ(servers[3].max_fails, 1000u);
  EXPECT_EQ(servers[3].fail_timeout, std::chrono::hours(24));
}

TEST(UpstreamFailureLimitsTest, Errors) {
  EXPECT_THAT(
      errors_of(with_backend(
          {{"max_fails", 1001}, {"fail_timeout", "0s"}, {"servers", {"127.0.0.1:1"}}})),
      ElementsAre("test.json: upstreams.backend.max_fails: 1001 is out of range (0..1000)",
                  "test.json: upstreams.backend.fail_timeout: \"0s\" must be greater than 0"));
  EXPECT_THAT(
      errors_of(with_servers({{{"address", "127.0.0.1:1"}, {"max_fails", -1}},
                              {{"address", "127.0.0.1:2"}, {"max_fails", 1.5}},
                              {{"address", "127.0.0.1:3"}, {"fail_timeout", 10}},
                              {{"address", "127.0.0.1:4"}, {"fail_timeout", "10"}},
                              {{"address", "127.0.0.1:5"}, {"fail_timeout", "25h"}}})),
      ElementsAre(
          "test.json: upstreams.backend.servers[0].max_fails: -1 is out of range (0..1000)",
          "test.json: upstreams.backend.servers[1].max_fails: 1.5 is not an integer (expected "
          "0..1000)",
          "test.json: upstreams.backend.servers[2].fail_timeout: expected a duration string such "
          "as \"10s\", got number",
          "test.json: upstreams.backend.servers[3].fail_timeout: \"10\" is not a duration (use a "
          "number with ms, s, m or h, e.g. \"10s\")",
          "test.json: upstreams.backend.servers[4].fail_timeout: \"25h\" exceeds the maximum of "
          "24h"));
}

TEST(UpstreamBackupTest, BackupAndDownAreBooleans) {
  const Config config =
      config_of(with_servers({"127.0.0.1:1",
                              {{"address", "127.0.0.1:2"}, {"down", true}},
                              {{"address", "127.0.0.1:3"}, {"backup", true}},
                              {{"address", "127.0.0.1:4"}, {"backup", true}, {"down", true}},
                              {{"address", "127.0.0.1:5"}, {"backup", false}, {"down", false}}}));
  const auto& servers = config.upstreams.at(0).servers;
  ASSERT_THAT(servers, SizeIs(5));
  EXPECT_FALSE(servers[0].backup || servers[0].down);
  EXPECT_TRUE(!servers[1].backup && servers[1].down);
  EXPECT_TRUE(servers[2].backup && !servers[2].down);
  EXPECT_TRUE(servers[3].backup && servers[3].down);
  EXPECT_FALSE(servers[4].backup || servers[4].down);
  EXPECT_THAT(errors_of(with_servers({{{"address", "127.0.0.1:1"}, {"backup", "yes"}},
                                      {{"address", "127.0.0.1:2"}, {"down", 1}}})),
              ElementsAre("test.json: upstreams.backend.servers[0].backup: expected true or "
                          "false, got string",
                          "test.json: upstreams.backend.servers[1].down: expected true or false, "
                          "got number"));
}

TEST(UpstreamBackupTest, BackupsWorkWithEveryBalanceMethod) {
  for (const char* balance : {"round_robin", "ip_hash", "least_conn"}) {
    EXPECT_TRUE(
        testing::load(
            with_backend(
                {{"balance", balance},
                 {"servers", {"127.0.0.1:1", {{"address", "127.0.0.1:2"}, {"backup", true}}}}}))
            .ok())
        << balance;
  }
}

TEST(UpstreamBackupTest, AllBackupsIsAnError) {
  EXPECT_THAT(errors_of(with_servers({{{"address", "127.0.0.1:1"}, {"backup", true}},
                                      {{"address", "127.0.0.1:2"}, {"backup", true}}})),
              ElementsAre("test.json: upstreams.backend: no primary servers (every server is a "
                          "\"backup\"; backups are used only while no primary is available)"));
  // Every primary being down is an operator's choice, e.g. while they are all maintained.
  EXPECT_TRUE(testing::load(with_servers({{{"address", "127.0.0.1:1"}, {"down", true}},
                                          {{"address", "127.0.0.1:2"}, {"backup", true}}}))
                  .ok());
}

TEST(UpstreamBackupTest, AnEntryWithErrorsMightHaveBeenThePrimary) {
  EXPECT_THAT(errors_of(with_servers({{{"address", "127.0.0.1:1"}, {"backup", true}},
                                      {{"address", "127.0.0.1:2"}, {"weight", 0}}})),
              ElementsAre("test.json: upstreams.backend.servers[1].weight: 0 is out of range "
                          "(1..1000)"));
}

TEST(UpstreamsTest, ServerObjectKeysSuggestTheRightOne) {
  EXPECT_THAT(errors_of(with_servers({{{"address", "127.0.0.1:1"}, {"max_fail", 2}},
                                      {{"address", "127.0.0.1:2"}, {"backups", true}}})),
              ElementsAre("test.json: upstreams.backend.servers[0]: unknown key \"max_fail\" "
                          "(did you mean \"max_fails\"?)",
                          "test.json: upstreams.backend.servers[1]: unknown key \"backups\" "
                          "(did you mean \"backup\"?)"));
  EXPECT_THAT(errors_of(with_backend({{"servers", {"127.0.0.1:1"}}, {"next_upstream_trie", 2}})),
              ElementsAre("test.json: upstreams.backend: unknown key \"next_upstream_trie\" (did "
                          "you mean \"next_upstream_tries\"?)"));
}

TEST(UpstreamsTest, ImplicitUpstreamsKeepTheDefaults) {
  auto document = minimal_config();
  document["servers"][0]["locations"][0] = {{"path", "/"},
                                            {"proxy_pass", "http://127.0.0.1:4444/"}};
  const Config config = config_of(document);
  ASSERT_THAT(config.upstreams, SizeIs(1));
  const UpstreamConfig& upstream = config.upstreams[0];
  EXPECT_TRUE(upstream.implicit);
  EXPECT_EQ(upstream.balance, BalanceMethod::round_robin);
  ASSERT_THAT(upstream.servers, SizeIs(1));
  EXPECT_EQ(upstream.servers[0].weight, 1u);
  EXPECT_EQ(upstream.servers[0].max_fails, kDefaultMaxFails);
  EXPECT_EQ(upstream.servers[0].fail_timeout, kDefaultFailTimeout);
  EXPECT_FALSE(upstream.servers[0].backup || upstream.servers[0].down);
  EXPECT_FALSE(upstream.health_check || upstream.sticky);
  EXPECT_EQ(upstream.next_upstream_tries, 0u);
}

}  // namespace
}  // namespace relay7
