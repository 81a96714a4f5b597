#include "relay7/upstream/shared_state.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>

namespace relay7 {
namespace {

UpstreamConfig upstream_named(const std::string& name, std::vector<std::string> addresses) {
  UpstreamConfig upstream;
  upstream.name = name;
  for (std::string& address : addresses) {
    UpstreamServerConfig server;
    server.address_text = std::move(address);
    upstream.servers.push_back(std::move(server));
  }
  return upstream;
}

Config config_of(std::vector<UpstreamConfig> upstreams) {
  Config config;
  config.upstreams = std::move(upstreams);
  return config;
}

std::unique_ptr<SharedStateRegistry> make_registry() {
  std::string error;
  auto registry = SharedStateRegistry::create(error);
  EXPECT_NE(registry, nullptr) << error;
  return registry;
}

TEST(SharedStateRegistry, AServerKeepsItsSlotAndStateAcrossConfigs) {
  auto registry = make_registry();
  std::string error;
  const auto first = registry->assign(config_of({upstream_named("api", {"a:1", "b:1"})}), error);
  ASSERT_TRUE(first.has_value()) << error;
  registry->table().slots[(*first)[0][1]].probe_down = true;

  // The reload drops a:1, adds c:1 and keeps b:1, now listed first.
  const auto second = registry->assign(config_of({upstream_named("api", {"b:1", "c:1"})}), error);
  ASSERT_TRUE(second.has_value()) << error;
  EXPECT_EQ((*second)[0][0], (*first)[0][1]);
  EXPECT_TRUE(registry->table().slots[(*second)[0][0]].probe_down.load());
  EXPECT_FALSE(registry->table().slots[(*second)[0][1]].probe_down.load());
}

TEST(SharedStateRegistry, TheSameAddressInTwoUpstreamsHasTwoSlots) {
  auto registry = make_registry();
  std::string error;
  const auto slots = registry->assign(
      config_of({upstream_named("api", {"a:1"}), upstream_named("web", {"a:1"})}), error);
  ASSERT_TRUE(slots.has_value());
  EXPECT_NE((*slots)[0][0], (*slots)[1][0]);
}

TEST(SharedStateRegistry, AReleasedSlotStartsFresh) {
  auto registry = make_registry();
  std::string error;
  const auto first = registry->assign(config_of({upstream_named("api", {"a:1"})}), error);
  registry->table().slots[(*first)[0][0]].out_until_ms = 12345;
  const auto without = registry->assign(config_of({upstream_named("api", {"b:1"})}), error);
  registry->release_unused({&*without});
  const auto back = registry->assign(config_of({upstream_named("api", {"a:1"})}), error);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(registry->table().slots[(*back)[0][0]].out_until_ms.load(), 0);
}

TEST(SharedStateRegistry, RefusesMoreServersThanTheTableHolds) {
  auto registry = make_registry();
  std::vector<std::string> addresses;
  for (size_t i = 0; i <= SharedServerTable::kSlots; ++i) {
    addresses.push_back("host:" + std::to_string(i));
  }
  std::string error;
  EXPECT_FALSE(registry->assign(config_of({upstream_named("big", addresses)}), error));
  EXPECT_NE(error.find("too many upstream servers"), std::string::npos) << error;
  addresses.pop_back();
  EXPECT_TRUE(registry->assign(config_of({upstream_named("big", addresses)}), error)) << error;
}

TEST(SharedStateRegistry, ReleasingAColumnTakesBackWhatItsWorkerCounted) {
  auto registry = make_registry();
  std::string error;
  const auto slots = registry->assign(config_of({upstream_named("api", {"a:1"})}), error);
  const uint32_t slot = (*slots)[0][0];
  const int crashed = registry->acquire_column();
  const int alive = registry->acquire_column();
  ASSERT_NE(crashed, alive);
  SharedServerTable& table = registry->table();
  table.slots[slot].active += 3;
  table.ledger[crashed][slot] += 2;
  table.ledger[alive][slot] += 1;
  registry->release_column(crashed);
  EXPECT_EQ(table.slots[slot].active.load(), 1);
  EXPECT_EQ(registry->acquire_column(), crashed) << "the column is free again";
}

TEST(SharedStateRegistry, WorkersForkedLaterShareTheTable) {
  auto registry = make_registry();
  std::string error;
  const auto slots = registry->assign(config_of({upstream_named("api", {"a:1"})}), error);
  ServerSlot& slot = registry->table().slots[(*slots)[0][0]];
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

}  // namespace
}  // namespace relay7
