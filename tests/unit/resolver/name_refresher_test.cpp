// The master's refresher on a hosts file of the test's own: time is what the test says it is,
// and hosts-file answers come at once, so every step is exact.
#include "relay7/resolver/name_refresher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "hosts_file.h"

namespace relay7 {
namespace {

using ::testing::ElementsAre;
using testing::HostsFile;
using namespace std::chrono_literals;

class NameRefresherTest : public ::testing::Test {
 protected:
  NameRefresherTest() : hosts_("127.0.0.2 app.test\n127.0.0.3 app.test\n") {
    std::string error;
    registry_ = SharedStateRegistry::create(SharedTableSize{64, 1}, error);
    EXPECT_NE(registry_, nullptr) << error;
    refresher_ = std::make_unique<NameRefresher>(*registry_);
  }

  // A config whose upstream has the name app.test, loaded at `hosts` and resolved again every
  // `interval`.
  void load(Duration interval, const std::vector<std::string>& hosts) {
    UpstreamServerConfig server;
    server.address_text = "app.test:8080";
    server.name = "app.test";
    server.port = 8080;
    for (const std::string& host : hosts) {
      server.addresses.push_back(*parse_numeric_address(host + ":8080"));
    }
    UpstreamConfig upstream;
    upstream.name = "app";
    upstream.resolve = interval;
    upstream.servers = {server};
    Config config;
    config.resolver = ResolverConfig{hosts_.path(), std::vector<SocketAddress>{}};
    config.upstreams = {upstream};
    std::string error;
    slots_ = *registry_->assign(config, error);
    refresher_->configure(config.resolver);
  }

  // One turn of the master's loop at `at` after the start.
  void turn(std::chrono::milliseconds at) {
    std::vector<pollfd> fds;
    refresher_->add_poll_fds(fds);
    refresher_->run(fds, start_ + at);
  }

  std::vector<std::string> published() const {
    std::vector<std::string> out;
    for (uint32_t slot : slots_[0][0]) {
      std::optional<SocketAddress> address;
      EXPECT_TRUE(registry_->table().address(slot).read(address));
      if (address) {
        out.push_back(address->to_string());
      }
    }
    return out;
  }

  HostsFile hosts_;
  std::unique_ptr<SharedStateRegistry> registry_;
  std::unique_ptr<NameRefresher> refresher_;
  SlotMap slots_;
  const NameRefresher::Clock::time_point start_ = NameRefresher::Clock::now();
};

TEST_F(NameRefresherTest, ResolvesANameAgainOnceItsIntervalHasPassed) {
  load(2s, {"127.0.0.2", "127.0.0.3"});
  turn(0ms);
  hosts_.write("127.0.0.2 app.test\n127.0.0.4 app.test\n");
  turn(1900ms);
  EXPECT_THAT(published(), ElementsAre("127.0.0.2:8080", "127.0.0.3:8080")) << "not yet";
  EXPECT_LE(refresher_->time_to_next(start_ + 1900ms), 100ms);
  const uint64_t version = registry_->table().membership_version().load();
  turn(2000ms);
  EXPECT_THAT(published(), ElementsAre("127.0.0.2:8080", "127.0.0.4:8080"));
  EXPECT_GT(registry_->table().membership_version().load(), version);
}

TEST_F(NameRefresherTest, ANameThatStopsResolvingKeepsItsLastAddresses) {
  load(1s, {"127.0.0.2", "127.0.0.3"});
  turn(0ms);
  hosts_.write("127.0.0.9 other.test\n");
  const uint64_t version = registry_->table().membership_version().load();
  turn(1000ms);
  EXPECT_THAT(published(), ElementsAre("127.0.0.2:8080", "127.0.0.3:8080"));
  EXPECT_EQ(registry_->table().membership_version().load(), version);
  hosts_.write("127.0.0.5 app.test\n");
  turn(5000ms);
  EXPECT_THAT(published(), ElementsAre("127.0.0.5:8080")) << "and follows it once it is back";
}

TEST_F(NameRefresherTest, AZeroIntervalResolvesOnlyWhenAConfigIsLoaded) {
  load(0s, {"127.0.0.2", "127.0.0.3"});
  turn(0ms);
  EXPECT_EQ(refresher_->time_to_next(start_), std::nullopt) << "nothing to wake up for";
  hosts_.write("127.0.0.4 app.test\n");
  turn(std::chrono::hours(1));
  EXPECT_THAT(published(), ElementsAre("127.0.0.2:8080", "127.0.0.3:8080"));
  load(0s, {"127.0.0.4"});
  EXPECT_THAT(published(), ElementsAre("127.0.0.4:8080")) << "a reload resolves it";
}

TEST_F(NameRefresherTest, ANameNoConfigHoldsAnyMoreIsNotAskedFor) {
  load(1s, {"127.0.0.2"});
  turn(0ms);
  registry_->release_unused({});
  turn(1000ms);
  EXPECT_EQ(refresher_->time_to_next(start_ + 1000ms), std::nullopt);
}

}  // namespace
}  // namespace relay7
