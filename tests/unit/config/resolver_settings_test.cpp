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
using ::testing::StartsWith;

using Json = nlohmann::ordered_json;

Json with_resolver(Json resolver) {
  Json document = minimal_config();
  document["resolver"] = std::move(resolver);
  return document;
}

std::vector<std::string> texts(const std::vector<SocketAddress>& addresses) {
  std::vector<std::string> out;
  for (const SocketAddress& address : addresses) {
    out.push_back(address.to_string());
  }
  return out;
}

TEST(ResolverSettingsTest, DefaultsAreTheSystemHostsFileAndNameservers) {
  const Config config = config_of(minimal_config());
  EXPECT_EQ(config.resolver.hosts_file, "/etc/hosts");
  EXPECT_FALSE(config.resolver.nameservers.has_value());
}

TEST(ResolverSettingsTest, NameserversTakeAnIpWithOrWithoutAPort) {
  const Config config = config_of(
      with_resolver({{"nameservers", {"127.0.0.1", "127.0.0.2:5353", "::1", "[::1]:5300"}}}));
  ASSERT_TRUE(config.resolver.nameservers.has_value());
  EXPECT_THAT(texts(*config.resolver.nameservers),
              ElementsAre("127.0.0.1:53", "127.0.0.2:5353", "[::1]:53", "[::1]:5300"));
}

TEST(ResolverSettingsTest, AnEmptyListOfNameserversMeansTheHostsFileAlone) {
  const Config config = config_of(with_resolver({{"nameservers", Json::array()}}));
  ASSERT_TRUE(config.resolver.nameservers.has_value());
  EXPECT_TRUE(config.resolver.nameservers->empty());
}

TEST(ResolverSettingsTest, BadNameserversAreEachReported) {
  EXPECT_THAT(
      errors_of(with_resolver(
          {{"nameservers", {"dns.example", "127.0.0.1:0", 53, "127.0.0.1", "127.0.0.1:53"}}})),
      ElementsAre("test.json: resolver.nameservers[0]: \"dns.example\" is not a nameserver "
                  "address (expected IP, IPv4:PORT or [IPv6]:PORT)",
                  "test.json: resolver.nameservers[1]: \"127.0.0.1:0\" is not a nameserver "
                  "address (expected IP, IPv4:PORT or [IPv6]:PORT)",
                  "test.json: resolver.nameservers[2]: expected a string, got number",
                  "test.json: resolver.nameservers[4]: \"127.0.0.1:53\" is listed twice"));
}

TEST(ResolverSettingsTest, TheHostsFileMustBeReadable) {
  EXPECT_THAT(
      errors_of(with_resolver({{"hosts_file", "/nonexistent/relay7-hosts"}})),
      ElementsAre("test.json: resolver.hosts_file: \"/nonexistent/relay7-hosts\": cannot read: "
                  "No such file or directory"));
  EXPECT_THAT(errors_of(with_resolver({{"hosts_file", ""}})),
              ElementsAre(StartsWith("test.json: resolver.hosts_file: ")));
}

TEST(ResolverSettingsTest, UnknownKeysAreRefused) {
  EXPECT_THAT(errors_of(with_resolver({{"nameserver", {"127.0.0.1"}}})),
              ElementsAre(StartsWith("test.json: resolver: unknown key \"nameserver\" (did you "
                                     "mean \"nameservers\"?)")));
}

// Names are resolved with the settings of the file they are in, wherever "resolver" is in it.
TEST(ResolverSettingsTest, NamesAreResolvedWithTheFilesSettings) {
  testing::FakeResolvers resolvers(std::map<std::string, std::string>{{"app.test", "10.0.0.1"}});
  Json document = testing::with_backend({{"servers", {"app.test:80"}}});
  document["resolver"] = {{"hosts_file", "/etc/hosts"}, {"nameservers", {"127.0.0.1:5353"}}};
  const auto loaded = resolvers.load(document);
  ASSERT_TRUE(loaded.ok()) << loaded.errors.front();
  ASSERT_THAT(resolvers.settings(), SizeIs(1));
  EXPECT_EQ(resolvers.settings()[0], loaded.config->resolver);
  EXPECT_THAT(texts(*resolvers.settings()[0].nameservers), ElementsAre("127.0.0.1:5353"));
}

TEST(ResolverSettingsTest, AConfigOfIpAddressesSetsUpNoResolver) {
  testing::FakeResolvers resolvers(std::map<std::string, std::string>{});
  ASSERT_TRUE(resolvers.load(testing::with_backend({{"servers", {"10.0.0.1:80"}}})).ok());
  EXPECT_TRUE(resolvers.settings().empty());
}

}  // namespace
}  // namespace relay7
