#include "relay7/upstream/shared_state.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <thread>

namespace relay7 {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

SocketAddress address(const std::string& text) {
  return *parse_numeric_address(text);
}

UpstreamServerConfig literal(const std::string& text) {
  UpstreamServerConfig server;
  server.address_text = text;
  server.addresses = {address(text)};
  return server;
}

// A name as the loader leaves it: its addresses with the port, sorted.
UpstreamServerConfig name(const std::string& host, uint16_t port,
                          const std::vector<std::string>& hosts) {
  UpstreamServerConfig server;
  server.address_text = host + ":" + std::to_string(port);
  server.name = host;
  server.port = port;
  for (const std::string& ip : hosts) {
    server.addresses.push_back(address(ip + ":" + std::to_string(port)));
  }
  return server;
}

UpstreamConfig upstream_with(const std::string& upstream_name,
                             std::vector<UpstreamServerConfig> servers) {
  UpstreamConfig upstream;
  upstream.name = upstream_name;
  upstream.servers = std::move(servers);
  return upstream;
}

UpstreamConfig upstream_named(const std::string& upstream_name,
                              const std::vector<std::string>& addresses) {
  std::vector<UpstreamServerConfig> servers;
  for (const std::string& text : addresses) {
    servers.push_back(literal(text));
  }
  return upstream_with(upstream_name, std::move(servers));
}

Config config_of(std::vector<UpstreamConfig> upstreams) {
  Config config;
  config.upstreams = std::move(upstreams);
  return config;
}

std::unique_ptr<SharedStateRegistry> make_registry(SharedTableSize size = {64, 4}) {
  std::string error;
  auto registry = SharedStateRegistry::create(size, error);
  EXPECT_NE(registry, nullptr) << error;
  return registry;
}

// What each slot of a name's positions publishes, "-" for an empty position.
std::vector<std::string> published(SharedStateRegistry& registry,
                                   const std::vector<uint32_t>& slots) {
  std::vector<std::string> out;
  for (uint32_t slot : slots) {
    std::optional<SocketAddress> held;
    EXPECT_TRUE(registry.table().address(slot).read(held));
    out.push_back(held ? held->to_string() : "-");
  }
  return out;
}

std::vector<std::string> first_positions(const std::vector<std::string>& all, size_t count) {
  return std::vector<std::string>(all.begin(), all.begin() + static_cast<long>(count));
}

TEST(SharedStateRegistry, AServerKeepsItsSlotAndStateAcrossConfigs) {
  auto registry = make_registry();
  std::string error;
  const auto first =
      registry->assign(config_of({upstream_named("api", {"10.0.0.1:1", "10.0.0.2:1"})}), error);
  ASSERT_TRUE(first.has_value()) << error;
  registry->table().slot((*first)[0][1][0]).probe_down = true;

  // The reload drops .1, adds .3 and keeps .2, now listed first.
  const auto second =
      registry->assign(config_of({upstream_named("api", {"10.0.0.2:1", "10.0.0.3:1"})}), error);
  ASSERT_TRUE(second.has_value()) << error;
  EXPECT_EQ((*second)[0][0], (*first)[0][1]);
  EXPECT_TRUE(registry->table().slot((*second)[0][0][0]).probe_down.load());
  EXPECT_FALSE(registry->table().slot((*second)[0][1][0]).probe_down.load());
}

TEST(SharedStateRegistry, TheSameAddressInTwoUpstreamsHasTwoSlots) {
  auto registry = make_registry();
  std::string error;
  const auto slots = registry->assign(
      config_of({upstream_named("api", {"10.0.0.1:1"}), upstream_named("web", {"10.0.0.1:1"})}),
      error);
  ASSERT_TRUE(slots.has_value());
  EXPECT_NE((*slots)[0][0], (*slots)[1][0]);
}

TEST(SharedStateRegistry, AReleasedSlotStartsFresh) {
  auto registry = make_registry();
  std::string error;
  const auto first = registry->assign(config_of({upstream_named("api", {"10.0.0.1:1"})}), error);
  registry->table().slot((*first)[0][0][0]).out_until_ms = 12345;
  const auto without = registry->assign(config_of({upstream_named("api", {"10.0.0.2:1"})}), error);
  registry->release_unused({&*without});
  const auto back = registry->assign(config_of({upstream_named("api", {"10.0.0.1:1"})}), error);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(registry->table().slot((*back)[0][0][0]).out_until_ms.load(), 0);
}

TEST(SharedStateRegistry, ANameReservesAPositionPerAddressItMayHave) {
  auto registry = make_registry();
  std::string error;
  const auto slots = registry->assign(
      config_of({upstream_with(
          "api", {name("app.test", 80, {"10.0.0.1", "10.0.0.2"}), literal("10.0.0.9:80")})}),
      error);
  ASSERT_TRUE(slots.has_value()) << error;
  const std::vector<uint32_t>& positions = (*slots)[0][0];
  ASSERT_EQ(positions.size(), kMaxAddressesPerName);
  EXPECT_EQ((*slots)[0][1].size(), 1u);
  EXPECT_THAT(first_positions(published(*registry, positions), 3),
              ElementsAre("10.0.0.1:80", "10.0.0.2:80", "-"));
  ASSERT_EQ(registry->names().size(), 1u);
  EXPECT_EQ(registry->names().begin()->second.interval, kDefaultResolveInterval);
}

TEST(SharedStateRegistry, APublishMovesOnlyThePositionsOfAddressesThatChanged) {
  auto registry = make_registry();
  std::string error;
  const auto slots = registry->assign(
      config_of(
          {upstream_with("api", {name("app.test", 80, {"10.0.0.1", "10.0.0.2", "10.0.0.3"})})}),
      error);
  ASSERT_TRUE(slots.has_value()) << error;
  const std::vector<uint32_t>& positions = (*slots)[0][0];
  registry->table().slot(positions[0]).probe_down = true;
  registry->table().slot(positions[1]).fails = 3;
  registry->table().slot(positions[1]).active = 2;
  const std::string key = registry->names().begin()->first;
  const uint64_t version = registry->table().membership_version().load();

  // .2 leaves and .4 arrives: .4 takes .2's position, the others stay where they are.
  const auto update =
      registry->publish(key, {address("10.0.0.1:0"), address("10.0.0.3:0"), address("10.0.0.4:0")});
  ASSERT_TRUE(update.has_value());
  EXPECT_EQ(update->server, "app.test:80");
  EXPECT_EQ(update->change.added, std::vector<SocketAddress>{address("10.0.0.4:80")});
  EXPECT_EQ(update->change.removed, std::vector<SocketAddress>{address("10.0.0.2:80")});
  EXPECT_THAT(first_positions(published(*registry, positions), 4),
              ElementsAre("10.0.0.1:80", "10.0.0.4:80", "10.0.0.3:80", "-"));
  EXPECT_GT(registry->table().membership_version().load(), version);
  EXPECT_TRUE(registry->table().slot(positions[0]).probe_down.load()) << "kept its state";
  EXPECT_EQ(registry->table().slot(positions[1]).fails.load(), 0u) << "a new member starts fresh";
  EXPECT_EQ(registry->table().slot(positions[1]).active.load(), 2)
      << "requests to the address that left still end against the slot";

  const uint64_t after = registry->table().membership_version().load();
  EXPECT_FALSE(registry->publish(
      key, {address("10.0.0.3:0"), address("10.0.0.1:0"), address("10.0.0.4:0")}));
  EXPECT_EQ(registry->table().membership_version().load(), after) << "nothing changed";
}

TEST(SharedStateRegistry, AReloadPublishesTheAddressesItWasLoadedWith) {
  auto registry = make_registry();
  std::string error;
  const auto first = registry->assign(
      config_of({upstream_with("api", {name("app.test", 80, {"10.0.0.1"})})}), error);
  UpstreamConfig reloaded = upstream_with("api", {name("app.test", 80, {"10.0.0.2"})});
  reloaded.resolve = std::chrono::seconds(5);
  const auto second = registry->assign(config_of({reloaded}), error);
  ASSERT_TRUE(second.has_value()) << error;
  EXPECT_EQ((*second)[0][0], (*first)[0][0]) << "the same name keeps its positions";
  EXPECT_THAT(first_positions(published(*registry, (*second)[0][0]), 2),
              ElementsAre("10.0.0.2:80", "-"));
  EXPECT_EQ(registry->names().begin()->second.interval, std::chrono::seconds(5));
}

TEST(SharedStateRegistry, ANameNoConfigHoldsIsForgotten) {
  auto registry = make_registry();
  std::string error;
  registry->assign(config_of({upstream_with("api", {name("app.test", 80, {"10.0.0.1"})})}), error);
  const auto without = registry->assign(config_of({upstream_named("api", {"10.0.0.1:80"})}), error);
  registry->release_unused({&*without});
  EXPECT_TRUE(registry->names().empty());
  EXPECT_FALSE(registry->publish("api\napp.test:80", {address("10.0.0.5:0")}));
}

TEST(SharedStateRegistry, RefusesMoreServersThanTheTableHolds) {
  auto registry = make_registry(SharedTableSize{20, 1});
  std::string error;
  // 16 positions for the name and 4 addresses fill the table.
  std::vector<UpstreamServerConfig> servers = {name("app.test", 80, {"10.0.0.1"})};
  for (int i = 1; i <= 5; ++i) {
    servers.push_back(literal("10.0.1." + std::to_string(i) + ":80"));
  }
  EXPECT_FALSE(registry->assign(config_of({upstream_with("big", servers)}), error));
  EXPECT_THAT(error, HasSubstr("need 21 new shared-state slots, but only 20 of 20 are free"));
  EXPECT_THAT(error, HasSubstr("restart relay7"));
  servers.pop_back();
  EXPECT_TRUE(registry->assign(config_of({upstream_with("big", servers)}), error)) << error;
  // What the running config holds is not counted again.
  EXPECT_TRUE(registry->assign(config_of({upstream_with("big", servers)}), error)) << error;
}

TEST(SharedServerTable, IsSizedForSixGenerationsWithMinimums) {
  Config small = config_of({upstream_named("api", {"10.0.0.1:1"})});
  const SharedTableSize minimum = SharedServerTable::size_for(small, 4);
  EXPECT_EQ(minimum.slots, SharedServerTable::kMinSlots);
  EXPECT_EQ(minimum.columns, SharedServerTable::kMinColumns);

  std::vector<UpstreamServerConfig> servers;
  for (int i = 0; i < 100; ++i) {
    servers.push_back(name("n" + std::to_string(i) + ".test", 80, {"10.0.0.1"}));
  }
  Config big = config_of({upstream_with("api", servers)});
  const SharedTableSize sized = SharedServerTable::size_for(big, 64);
  EXPECT_EQ(sized.slots, 6u * 100 * kMaxAddressesPerName);
  EXPECT_EQ(sized.columns, 6u * 64);
  EXPECT_EQ(SharedServerTable::bytes_for(sized),
            64 + sized.slots * (sizeof(ServerSlot) + sizeof(PublishedAddress)) +
                sized.columns * sized.slots * 4);
}

TEST(SharedStateRegistry, ReleasingAColumnTakesBackWhatItsWorkerCounted) {
  auto registry = make_registry();
  std::string error;
  const auto slots = registry->assign(config_of({upstream_named("api", {"10.0.0.1:1"})}), error);
  const uint32_t slot = (*slots)[0][0][0];
  const int crashed = registry->acquire_column();
  const int alive = registry->acquire_column();
  ASSERT_NE(crashed, alive);
  SharedServerTable& table = registry->table();
  table.slot(slot).active += 3;
  table.ledger(crashed, slot) += 2;
  table.ledger(alive, slot) += 1;
  registry->release_column(crashed);
  EXPECT_EQ(table.slot(slot).active.load(), 1);
  EXPECT_EQ(registry->acquire_column(), crashed) << "the column is free again";
}

TEST(SharedStateRegistry, ColumnsRunOutInsteadOfGoingUncounted) {
  auto registry = make_registry(SharedTableSize{8, 2});
  EXPECT_EQ(registry->free_columns(), 2u);
  EXPECT_EQ(registry->acquire_column(), 0);
  EXPECT_EQ(registry->acquire_column(), 1);
  EXPECT_EQ(registry->free_columns(), 0u);
  EXPECT_EQ(registry->acquire_column(), -1);
  registry->release_column(0);
  EXPECT_EQ(registry->free_columns(), 1u);
}

TEST(SharedStateRegistry, WorkersForkedLaterShareTheTable) {
  auto registry = make_registry();
  std::string error;
  const auto slots = registry->assign(config_of({upstream_named("api", {"10.0.0.1:1"})}), error);
  ServerSlot& slot = registry->table().slot((*slots)[0][0][0]);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    slot.fails.store(7);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_EQ(slot.fails.load(), 7u);
}

TEST(PublishedAddress, HoldsIpv4Ipv6AndNothing) {
  PublishedAddress published;
  std::optional<SocketAddress> read;
  ASSERT_TRUE(published.read(read));
  EXPECT_FALSE(read);
  for (const char* text : {"10.1.2.3:8080", "[2001:db8::7]:443"}) {
    published.publish(address(text));
    ASSERT_TRUE(published.read(read));
    ASSERT_TRUE(read);
    EXPECT_EQ(read->to_string(), text);
  }
  published.publish(std::nullopt);
  ASSERT_TRUE(published.read(read));
  EXPECT_FALSE(read);
}

// A reader racing the writer sees one of the written addresses whole, or is told to try later;
// never half of one and half of another.
TEST(PublishedAddress, AReaderNeverSeesATornAddress) {
  PublishedAddress published;
  const SocketAddress a = address("[2001:db8::1]:1");
  const SocketAddress b = address("10.255.255.254:65535");
  published.publish(a);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; i < 200000 && !stop; ++i) {
      published.publish(i % 2 == 0 ? b : a);
    }
    stop = true;
  });
  size_t whole = 0;
  size_t torn = 0;
  while (!stop) {
    std::optional<SocketAddress> read;
    if (!published.read(read)) {
      continue;
    }
    if (read && (*read == a || *read == b)) {
      ++whole;
    } else {
      ++torn;
    }
  }
  writer.join();
  EXPECT_EQ(torn, 0u);
  EXPECT_GT(whole, 0u);
}

}  // namespace
}  // namespace relay7
