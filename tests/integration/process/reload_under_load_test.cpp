// Reloads while clients keep sending: the measure of the master/worker design. Two configs with
// different upstream tables alternate; no request may fail, and once a reload has completed no
// new request may be routed by the old table except the one that closes an old keep-alive
// connection.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "support/demo_backend.h"
#include "support/load_client.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kReloads = 20;
constexpr unsigned kWorkers = 2;

nlohmann::json config_for(const DemoBackend& first, const DemoBackend& second,
                          unsigned workers = kWorkers) {
  nlohmann::json config = nlohmann::json::object();
  config["workers"] = workers;
  config["shutdown_timeout"] = "10s";
  config["upstreams"]["app"]["servers"] = {"127.0.0.1:" + std::to_string(first.port()),
                                           "127.0.0.1:" + std::to_string(second.port())};
  nlohmann::json location = {{"path", "/"}, {"proxy_pass", "http://app"}};
  nlohmann::json server = nlohmann::json::object();
  server["listen"] = nlohmann::json::array({"127.0.0.1:0"});
  server["locations"] = nlohmann::json::array({location});
  config["servers"] = nlohmann::json::array({server});
  return config;
}

struct Table {
  nlohmann::json config;
  std::set<std::string> servers;
};

class ReloadUnderLoadTest : public ::testing::TestWithParam<bool> {
 protected:
  DemoBackend a1_{0, "a1"}, a2_{0, "a2"}, b1_{0, "b1"}, b2_{0, "b2"};
};

// When a reload was requested and when it had completed (as the test saw it), and which table
// it put in place. Between the two either table may answer.
struct Switch {
  std::chrono::steady_clock::time_point requested;
  std::chrono::steady_clock::time_point at;
  const Table* table;
};

// Whether a reload was in progress at some time from `sent` to `answered`: a connection still
// waiting in its socket's backlog when a reload switches may be accepted by either generation.
bool during_a_reload(const std::vector<Switch>& switches, const LoadSample& sample) {
  for (const Switch& change : switches) {
    if (change.requested <= sample.answered && sample.sent < change.at) {
      return true;
    }
  }
  return false;
}

// Whether the load client gets another hundred answers: relay7 serves.
bool keeps_answering(const LoadClient& load) {
  const uint64_t before = load.answered();
  return eventually([&] { return load.answered() > before + 100; }, 10s);
}

// How many reloads had completed (as the test saw it) at `t`.
size_t reloads_done(const std::vector<Switch>& switches, std::chrono::steady_clock::time_point t) {
  size_t done = 0;
  while (done < switches.size() && switches[done].at <= t) {
    ++done;
  }
  return done;
}

TEST_P(ReloadUnderLoadTest, TwentyReloadsLoseNoRequestAndSwitchTables) {
  const bool keep_alive = GetParam();
  Table table_a{config_for(a1_, a2_), {"a1", "a2"}};
  Table table_b{config_for(b1_, b2_), {"b1", "b2"}};
  Relay7Process relay(table_a.config);
  table_a.config = relay.config();
  table_b.config = listen_on(table_b.config, relay.port());
  table_b.config["pid_file"] = relay.config()["pid_file"];
  ASSERT_TRUE(wait_for_reloads(relay, 0, 10s)) << relay.stderr_text();

  LoadClient load(relay.port(), {.connections = 50, .keep_alive = keep_alive});
  ASSERT_TRUE(eventually([&] { return load.answered() > 200; }, 10s));

  std::vector<Switch> switches;
  for (int reload = 1; reload <= kReloads; ++reload) {
    const Table& next = reload % 2 == 1 ? table_b : table_a;
    const auto requested = std::chrono::steady_clock::now();
    relay.reload_with(next.config);
    const auto status = wait_for_reloads(relay, reload, 15s);
    ASSERT_TRUE(status) << "reload " << reload << " not reported\n" << relay.stderr_text();
    ASSERT_TRUE(status->ok) << status->error;
    switches.push_back({requested, std::chrono::steady_clock::now(), &next});
    ASSERT_TRUE(keeps_answering(load));
  }
  const LoadResult result = load.stop();

  EXPECT_EQ(result.failures, 0u) << "first failures: "
                                 << ::testing::PrintToString(result.failure_messages);
  EXPECT_GT(result.requests, 2000u);
  size_t old_table_answers = 0;
  for (const LoadSample& sample : result.samples) {
    const size_t reloads_at_send = reloads_done(switches, sample.sent);
    if (reloads_at_send == 0 || during_a_reload(switches, sample) ||
        switches[reloads_at_send - 1].table->servers.count(sample.server)) {
      continue;
    }
    ++old_table_answers;
    // Only a connection an old worker accepted before the switch may still see the old table,
    // and that worker ends it (Connection: close) with this response.
    EXPECT_LT(reloads_done(switches, sample.connected), reloads_at_send)
        << "a connection opened after reload " << reloads_at_send << " was answered by "
        << sample.server << ", opened "
        << std::chrono::duration_cast<std::chrono::microseconds>(sample.connected -
                                                                 switches[reloads_at_send - 1].at)
               .count()
        << "us after the switch, sent "
        << std::chrono::duration_cast<std::chrono::microseconds>(sample.sent -
                                                                 switches[reloads_at_send - 1].at)
               .count()
        << "us";
    EXPECT_TRUE(sample.connection_close)
        << "an old worker kept its connection open after reload " << reloads_at_send;
  }
  // At most one such answer per client connection per reload.
  EXPECT_LE(old_table_answers, 50u * kReloads);
  EXPECT_TRUE(wait_for_worker_count(relay, kWorkers, 20s))
      << "workers left: " << relay.descendant_pids().size();
}

// Each worker accepts from its own socket (one per worker slot and address), so a reload to fewer
// workers leaves sockets that no new worker owns, with connections queued on them: none of those
// may be lost, and none may wait for a worker that is gone.
TEST_P(ReloadUnderLoadTest, ReloadsThatChangeTheWorkerCountLoseNoRequest) {
  const bool keep_alive = GetParam();
  Relay7Process relay(config_for(a1_, a2_, 2));
  const nlohmann::json first = relay.config();
  ASSERT_TRUE(wait_for_reloads(relay, 0, 10s)) << relay.stderr_text();

  LoadClient load(relay.port(), {.connections = 50, .keep_alive = keep_alive});
  ASSERT_TRUE(eventually([&] { return load.answered() > 200; }, 10s));
  uint64_t reloads = 0;
  for (unsigned workers : {4u, 1u, 3u, 2u, 4u, 1u, 3u}) {
    nlohmann::json next = first;
    next["workers"] = workers;
    relay.reload_with(next);
    const auto status = wait_for_reloads(relay, ++reloads, 15s);
    ASSERT_TRUE(status) << "reload to " << workers << " workers not reported\n"
                        << relay.stderr_text();
    ASSERT_TRUE(status->ok) << status->error;
    // Until the old generation is gone, so that the next reload starts from `workers` alone.
    ASSERT_TRUE(wait_for_worker_count(relay, workers, 20s))
        << "workers: " << relay.descendant_pids().size() << ", expected " << workers;
    ASSERT_TRUE(keeps_answering(load));
  }
  const LoadResult result = load.stop();
  EXPECT_EQ(result.failures, 0u) << "first failures: "
                                 << ::testing::PrintToString(result.failure_messages);
  EXPECT_GT(result.requests, 1000u);
}

INSTANTIATE_TEST_SUITE_P(Connections, ReloadUnderLoadTest, ::testing::Values(true, false),
                         [](const auto& info) {
                           return info.param ? "KeepAlive" : "NewConnectionPerRequest";
                         });

}  // namespace
}  // namespace relay7::testing
