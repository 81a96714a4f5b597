// A backend dies under load: no client sees an error, health checks take it out and bring it back
// after `rise` probes, backups stand in when every primary is out, and with nothing left relay7
// answers 502 at once.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

#include "support/backend_group.h"
#include "support/http_connection.h"
#include "support/load_client.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"

namespace {

using relay7::testing::BackendGroup;
using relay7::testing::eventually;
using relay7::testing::HttpResponse;
using relay7::testing::LoadClient;
using relay7::testing::Relay7Process;
using std::chrono::milliseconds;
using std::chrono::seconds;

nlohmann::json checked_upstream(const BackendGroup& backends) {
  return {{"fail_timeout", "1s"},
          {"health_check",
           {{"path", "/health"},
            {"interval", "200ms"},
            {"timeout", "150ms"},
            {"rise", 2},
            {"fall", 2}}},
          {"servers", backends.server_list()}};
}

bool log_mentions(const Relay7Process& relay, const std::string& text) {
  return relay.stderr_text().find(text) != std::string::npos;
}

// How many requests other than health probes `backend` has received.
size_t traffic_seen(relay7::testing::DemoBackend& backend) {
  size_t count = 0;
  for (const std::string& uri : backend.requests()) {
    count += uri.starts_with("/health") ? 0 : 1;
  }
  return count;
}

TEST(FailoverTest, KillingOneOfFourBackendsUnderLoadFailsNoRequest) {
  BackendGroup backends(4);
  const Relay7Process relay(BackendGroup::config_with(checked_upstream(backends), 2));
  constexpr size_t kVictim = 2;
  const std::string victim_down = "server " + backends.address(kVictim) + " is down";
  const std::string victim_up = "server " + backends.address(kVictim) + " is up";

  LoadClient load(
      relay.port(),
      {.connections = 8, .keep_alive = true, .path = "/work", .max_duration = seconds(40)});
  ASSERT_TRUE(eventually([&] { return load.answered() > 500; }, seconds(10)));
  backends.kill(kVictim);
  const uint64_t at_kill = load.answered();
  ASSERT_TRUE(eventually([&] { return log_mentions(relay, victim_down); }, seconds(10)))
      << relay.stderr_text();
  ASSERT_TRUE(eventually([&] { return load.answered() > at_kill + 1000; }, seconds(10)));

  backends.restart(kVictim);
  ASSERT_TRUE(eventually([&] { return log_mentions(relay, victim_up); }, seconds(10)))
      << relay.stderr_text();
  EXPECT_TRUE(eventually([&] { return traffic_seen(backends[kVictim]) > 20; }, seconds(10)))
      << "the restarted backend takes no traffic";

  const relay7::testing::LoadResult result = load.stop();
  EXPECT_GT(result.requests, 2000u);
  EXPECT_EQ(result.failures, 0u) << (result.failure_messages.empty()
                                         ? std::string()
                                         : result.failure_messages.front());
}

TEST(FailoverTest, HealthStateSurvivesAReload) {
  BackendGroup backends(2);
  // b1 is alive but unhealthy: its probes get a 503. rise/fall are large enough that fresh state
  // would give b1 traffic for seconds after the reload.
  nlohmann::json upstream = checked_upstream(backends);
  upstream["health_check"]["path"] = "/health?status=503&only=b1";
  upstream["health_check"]["fall"] = 3;
  upstream["health_check"]["interval"] = "300ms";
  Relay7Process relay(BackendGroup::config_with(upstream));
  const std::string b1_down = "server " + backends.address(1) + " is down";
  ASSERT_TRUE(eventually([&] { return log_mentions(relay, b1_down); }, seconds(10)));
  backends[1].reset();

  upstream["keepalive"] = 8;  // a real change, so the reload starts a new generation
  relay.reload_with(relay7::testing::listen_on(BackendGroup::config_with(upstream), relay.port()));
  const auto status = relay7::testing::wait_for_reloads(relay, 1, seconds(10));
  ASSERT_TRUE(status && status->ok);
  for (int i = 0; i < 20; ++i) {
    const HttpResponse response = relay7::testing::http_get(relay.port(), "/after-reload");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(backends.served_by(response), 0u) << "request " << i;
  }
  EXPECT_EQ(traffic_seen(backends[1]), 0u);
}

TEST(FailoverTest, BackupServesOnlyWhileEveryPrimaryIsOut) {
  BackendGroup backends(3);
  nlohmann::json upstream = {{"max_fails", 1},
                             {"fail_timeout", "30s"},
                             {"servers",
                              {backends.address(0),
                               backends.address(1),
                               {{"address", backends.address(2)}, {"backup", true}}}}};
  const Relay7Process relay(BackendGroup::config_with(upstream));
  std::set<size_t> used;
  for (int i = 0; i < 10; ++i) {
    used.insert(backends.served_by(relay7::testing::http_get(relay.port(), "/p")));
  }
  EXPECT_EQ(used, (std::set<size_t>{0, 1}));

  backends.kill(0);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(backends.served_by(relay7::testing::http_get(relay.port(), "/one-left")), 1u);
  }
  EXPECT_EQ(traffic_seen(backends[2]), 0u);

  backends.kill(1);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(backends.served_by(relay7::testing::http_get(relay.port(), "/backup")), 2u);
  }
}

TEST(FailoverTest, EveryServerOutGivesAFast502) {
  BackendGroup backends(2);
  nlohmann::json upstream = {{"servers",
                              {{{"address", backends.address(0)}, {"down", true}},
                               {{"address", backends.address(1)}, {"down", true}}}}};
  nlohmann::json config = BackendGroup::config_with(upstream);
  config["timeouts"]["upstream_connect"] = "30s";
  const Relay7Process relay(config);
  const auto started = std::chrono::steady_clock::now();
  const HttpResponse response = relay7::testing::http_get(relay.port(), "/nothing");
  EXPECT_EQ(response.status, 502);
  EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(2));
  EXPECT_TRUE(eventually([&] { return log_mentions(relay, "no live upstreams"); }, seconds(5)));
  EXPECT_EQ(traffic_seen(backends[0]) + traffic_seen(backends[1]), 0u);
}

TEST(FailoverTest, CrashedServersAreNotTriedAgainUntilTheirTimeOutEnds) {
  BackendGroup backends(2);
  nlohmann::json upstream = {
      {"max_fails", 1}, {"fail_timeout", "30s"}, {"servers", backends.server_list()}};
  const Relay7Process relay(BackendGroup::config_with(upstream));
  backends.kill(0);
  backends.kill(1);
  // The first request finds both refusing and takes them out; the next ones are refused at once.
  EXPECT_EQ(relay7::testing::http_get(relay.port(), "/first").status, 502);
  EXPECT_EQ(relay7::testing::http_get(relay.port(), "/second").status, 502);
  EXPECT_TRUE(eventually([&] { return log_mentions(relay, "no live upstreams"); }, seconds(5)));
}

}  // namespace
