// c-ares as relay7 sets it up, on hosts files of the tests' own and on nameservers on loopback:
// no lookup here leaves the machine.
#include "relay7/resolver/dns_channel.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>

#include <chrono>

#include "hosts_file.h"
#include "relay7/resolver/host_resolver.h"

namespace relay7 {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::HostsFile;

ResolverConfig hosts_only(const HostsFile& hosts) {
  return ResolverConfig{hosts.path(), std::vector<SocketAddress>{}};
}

std::vector<std::string> hosts_of(const LookupResult& result) {
  std::vector<std::string> out;
  for (const SocketAddress& address : result.addresses) {
    out.push_back(address.host_string());
  }
  return out;
}

LookupResult resolve(const ResolverConfig& settings, const std::string& name) {
  std::string error;
  const std::unique_ptr<HostResolver> resolver = make_dns_resolver(settings, error);
  EXPECT_NE(resolver, nullptr) << error;
  return resolver ? resolver->resolve(name) : LookupResult{};
}

TEST(DnsResolver, ANameIsEveryAddressTheHostsFileGivesItInAddressOrder) {
  const HostsFile hosts(
      "# a comment\n127.0.0.3 app.test\n::1 app.test\n127.0.0.2 app.test alias.test\n"
      "127.0.0.9 other.test\n");
  const LookupResult result = resolve(hosts_only(hosts), "app.test");
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_THAT(hosts_of(result), ElementsAre("127.0.0.2", "127.0.0.3", "::1"));
  for (const SocketAddress& address : result.addresses) {
    EXPECT_EQ(address.port(), 0) << "the port is the config's to add";
  }
  EXPECT_FALSE(result.ttl) << "a hosts file has no TTL";
  EXPECT_THAT(hosts_of(resolve(hosts_only(hosts), "ALIAS.test")), ElementsAre("127.0.0.2"));
}

TEST(DnsResolver, WithoutNameserversANameMissingFromTheHostsFileFails) {
  const HostsFile hosts("127.0.0.2 app.test\n");
  const LookupResult result = resolve(hosts_only(hosts), "missing.test");
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(result.addresses.empty());
  EXPECT_EQ(result.error, "not in " + hosts.path());
}

TEST(DnsResolver, TheHostsFileIsReadAgainForEveryLookup) {
  const HostsFile hosts("127.0.0.2 app.test\n");
  std::string error;
  const std::unique_ptr<HostResolver> resolver = make_dns_resolver(hosts_only(hosts), error);
  ASSERT_NE(resolver, nullptr) << error;
  EXPECT_THAT(hosts_of(resolver->resolve("app.test")), ElementsAre("127.0.0.2"));
  hosts.write("127.0.0.4 app.test\n127.0.0.5 app.test\n");
  EXPECT_THAT(hosts_of(resolver->resolve("app.test")), ElementsAre("127.0.0.4", "127.0.0.5"));
}

// A nameserver on loopback where nothing listens refuses at once: the lookup went to it (not to
// the system's nameservers) and failed without waiting for a timeout.
TEST(DnsResolver, NamesNotInTheHostsFileGoToTheConfiguredNameservers) {
  const HostsFile hosts("127.0.0.2 app.test\n");
  ResolverConfig settings{hosts.path(),
                          std::vector<SocketAddress>{*parse_numeric_address("127.0.0.1:9")}};
  const auto started = std::chrono::steady_clock::now();
  const LookupResult result = resolve(settings, "elsewhere.test");
  EXPECT_FALSE(result.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  EXPECT_THAT(hosts_of(resolve(settings, "app.test")), ElementsAre("127.0.0.2"))
      << "the hosts file still comes first";
}

// The way the master uses a channel: poll its sockets with others, never wait inside it.
TEST(DnsChannel, AnswersFromTheHostsFileBeforeLookupReturns) {
  const HostsFile hosts("127.0.0.2 app.test\n");
  std::string error;
  const std::unique_ptr<DnsChannel> channel = DnsChannel::create(hosts_only(hosts), error);
  ASSERT_NE(channel, nullptr) << error;
  std::optional<LookupResult> answer;
  channel->lookup("app.test", [&](LookupResult result) { answer = std::move(result); });
  ASSERT_TRUE(answer);
  EXPECT_THAT(hosts_of(*answer), ElementsAre("127.0.0.2"));
  EXPECT_EQ(channel->pending(), 0u);
  EXPECT_EQ(channel->timeout(), std::nullopt) << "nothing to wait for";
}

TEST(DnsChannel, ALookupOnTheNetworkIsFinishedByProcessAfterAPoll) {
  const HostsFile hosts("\n");
  ResolverConfig settings{hosts.path(),
                          std::vector<SocketAddress>{*parse_numeric_address("127.0.0.1:9")}};
  std::string error;
  const std::unique_ptr<DnsChannel> channel = DnsChannel::create(settings, error);
  ASSERT_NE(channel, nullptr) << error;
  std::optional<LookupResult> answer;
  channel->lookup("app.test", [&](LookupResult result) { answer = std::move(result); });
  EXPECT_FALSE(answer) << "a query was sent; its answer comes later";
  EXPECT_EQ(channel->pending(), 1u);
  EXPECT_FALSE(channel->open_descriptors().empty());
  std::vector<pollfd> fds;
  for (int turn = 0; turn < 50 && !answer; ++turn) {
    fds.clear();
    channel->add_poll_fds(fds);
    ASSERT_FALSE(fds.empty());
    const auto timeout = channel->timeout();
    ASSERT_TRUE(timeout);
    ::poll(fds.data(), fds.size(), static_cast<int>(timeout->count()));
    channel->process(fds);
  }
  ASSERT_TRUE(answer);
  EXPECT_FALSE(answer->ok());
  EXPECT_THAT(answer->error, HasSubstr("DNS"));
  EXPECT_EQ(channel->pending(), 0u);
}

TEST(DnsChannel, DestroyingItDropsWhatIsUnderWay) {
  const HostsFile hosts("\n");
  ResolverConfig settings{hosts.path(),
                          std::vector<SocketAddress>{*parse_numeric_address("127.0.0.1:9")}};
  std::string error;
  std::unique_ptr<DnsChannel> channel = DnsChannel::create(settings, error);
  ASSERT_NE(channel, nullptr) << error;
  bool called = false;
  channel->lookup("app.test", [&](LookupResult) { called = true; });
  channel.reset();
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace relay7
