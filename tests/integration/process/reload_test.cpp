// What a reload keeps and what it changes, one property at a time.
#include <gtest/gtest.h>
#include <signal.h>

#include "support/backend_json.h"
#include "support/demo_backend.h"
#include "support/http_connection.h"
#include "support/paths.h"
#include "support/ports.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"
#include "support/temp_dir.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;

std::string served_by(uint16_t port) {
  const HttpResponse response = http_get(port, "/which");
  const nlohmann::json echo = parse_echo(response);
  return echo.is_object() ? echo.value("server", "") : "status " + std::to_string(response.status);
}

class ReloadTest : public ::testing::Test {
 protected:
  ReloadTest()
      : relay_(single_upstream_config({old_backend_.port()})), first_config_(relay_.config()) {}

  // The first config with its upstream pointed at `backend` instead.
  nlohmann::json config_with_backend(const DemoBackend& backend) const {
    nlohmann::json config = first_config_;
    config["upstreams"][kTestUpstream]["servers"] = {loopback_address(backend.port())};
    return config;
  }

  ReloadStatus reload_and_wait(const nlohmann::json& config) {
    relay_.reload_with(config);
    const auto status = wait_for_reloads(relay_, ++reloads_, 15s);
    if (!status) {
      ADD_FAILURE() << "reload " << reloads_ << " not reported; stderr:\n" << relay_.stderr_text();
      return {};
    }
    return *status;
  }

  DemoBackend old_backend_{0, "old"};
  DemoBackend new_backend_{0, "new"};
  Relay7Process relay_;
  const nlohmann::json first_config_;
  uint64_t reloads_ = 0;
};

TEST_F(ReloadTest, ASlowRequestInFlightCompletesWithItsFullBody) {
  HttpConnection slow;
  ASSERT_TRUE(slow.connect(relay_.port()));
  ASSERT_TRUE(slow.send_request("GET", "/slow?delay_ms=2000&bytes=300000"));
  ASSERT_TRUE(eventually([&] { return old_backend_.requests().size() == 1; }, 5s));

  EXPECT_TRUE(reload_and_wait(config_with_backend(new_backend_)).ok);
  EXPECT_EQ(served_by(relay_.port()), "new");

  const auto response = slow.read_response();
  ASSERT_TRUE(response) << slow.last_error();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, demo_pattern(300000));
  // The old worker drains: this connection ends with its response.
  EXPECT_TRUE(has_token(response->header("Connection"), "close"));
}

TEST_F(ReloadTest, BrokenConfigsKeepTheOldTableServingAndSayWhatIsWrong) {
  nlohmann::json unknown_key = first_config_;
  unknown_key["servers"][0]["locations"][0]["retirn"] = 403;
  auto status = reload_and_wait(unknown_key);
  EXPECT_FALSE(status.ok);
  EXPECT_NE(status.error.find("servers[0].locations[0]: unknown key \"retirn\" (did you mean "
                              "\"return\"?)"),
            std::string::npos)
      << status.error;
  EXPECT_EQ(served_by(relay_.port()), "old");

  write_file(relay_.config_path(), "{\n  \"servers\": [\n    {\"listen\": [\"80\"],, }\n  ]\n}\n");
  ASSERT_TRUE(relay_.process().send_signal(SIGHUP));
  const auto syntax = wait_for_reloads(relay_, ++reloads_, 15s);
  ASSERT_TRUE(syntax);
  EXPECT_FALSE(syntax->ok);
  EXPECT_NE(syntax->error.find("relay7.json:3:23: syntax error"), std::string::npos)
      << syntax->error;
  EXPECT_EQ(served_by(relay_.port()), "old");

  nlohmann::json unbindable = config_with_backend(new_backend_);
  unbindable["servers"][0]["listen"].push_back("192.0.2.1:80");
  status = reload_and_wait(unbindable);
  EXPECT_FALSE(status.ok);
  EXPECT_NE(status.error.find("cannot bind 192.0.2.1:80"), std::string::npos)
      << status.error << relay_.stderr_text();
  EXPECT_EQ(served_by(relay_.port()), "old");
  // The master's log says it too, exactly as -t would.
  EXPECT_NE(relay_.stderr_text().find("unknown key \"retirn\""), std::string::npos);

  status = reload_and_wait(config_with_backend(new_backend_));
  EXPECT_TRUE(status.ok) << status.error;
  EXPECT_EQ(served_by(relay_.port()), "new");
}

TEST_F(ReloadTest, SignalReloadReportsTheOutcome) {
  nlohmann::json unbindable = config_with_backend(new_backend_);
  unbindable["servers"][0]["listen"].push_back("192.0.2.1:80");
  write_file(relay_.config_path(), unbindable.dump(2));
  ChildProcess refused({relay7_binary(), "-s", "reload", "-c", relay_.config_path().string()});
  const auto refused_status = refused.wait_exit(20s);
  ASSERT_TRUE(refused_status);
  EXPECT_EQ(WEXITSTATUS(*refused_status), 1);
  EXPECT_NE(refused.stderr_text().find("cannot bind 192.0.2.1:80"), std::string::npos)
      << refused.stderr_text();

  write_file(relay_.config_path(), config_with_backend(new_backend_).dump(2));
  ChildProcess accepted({relay7_binary(), "-s", "reload", "-c", relay_.config_path().string()});
  const auto accepted_status = accepted.wait_exit(20s);
  ASSERT_TRUE(accepted_status);
  EXPECT_EQ(WEXITSTATUS(*accepted_status), 0) << accepted.stderr_text();
  EXPECT_NE(accepted.stdout_text().find("reload succeeded: generation 2 is serving"),
            std::string::npos);
  EXPECT_EQ(served_by(relay_.port()), "new");
}

TEST_F(ReloadTest, AddsAndRemovesListeners) {
  const uint16_t first = relay_.port();
  const uint16_t second = free_port();
  nlohmann::json both = relay_.config();
  both["servers"][0]["listen"] = {loopback_address(first), loopback_address(second)};
  ASSERT_TRUE(reload_and_wait(both).ok);
  EXPECT_EQ(served_by(second), "old");
  EXPECT_EQ(served_by(first), "old");

  nlohmann::json only_second = relay_.config();
  only_second["servers"][0]["listen"] = {loopback_address(second)};
  ASSERT_TRUE(reload_and_wait(only_second).ok);
  EXPECT_EQ(served_by(second), "old");
  // The dropped listener closes once the generation that accepted on it has drained.
  EXPECT_TRUE(eventually([&] { return !wait_for_port(first, 1ms); }, 10s));
}

TEST_F(ReloadTest, KeepsAListenerSocketAcrossReloads) {
  HttpConnection waiting;
  ASSERT_TRUE(waiting.connect(relay_.port()));
  ASSERT_TRUE(reload_and_wait(config_with_backend(new_backend_)).ok);
  // A connection made before the reload and only used after it reaches the new table: it sat in
  // the shared socket's backlog or on an old worker that answers and closes.
  ASSERT_TRUE(waiting.send_request("GET", "/late"));
  const auto response = waiting.read_response();
  ASSERT_TRUE(response) << waiting.last_error();
  EXPECT_EQ(response->status, 200);
}

// Each worker accepts from its own socket; after a reload to fewer workers, the sockets of the
// slots that went keep what was queued on them, and the new workers must take it. Stopped old
// workers make that deterministic: every connection made meanwhile waits in a backlog.
TEST(ReloadToFewerWorkersTest, TheNewWorkersServeWhatWasQueuedForTheWorkersThatWent) {
  DemoBackend backend;
  Relay7Process relay(single_upstream_config({backend.port()}, 4));
  ASSERT_TRUE(wait_until_serving(relay, 4, 10s)) << relay.stderr_text();
  // Resumed however the test ends, so that they can drain and exit.
  struct StoppedWorkers {
    std::vector<pid_t> pids;
    void resume() {
      for (pid_t worker : std::exchange(pids, {})) {
        ::kill(worker, SIGCONT);
      }
    }
    ~StoppedWorkers() { resume(); }
  } old_workers{relay.descendant_pids()};
  for (pid_t worker : old_workers.pids) {
    ASSERT_EQ(::kill(worker, SIGSTOP), 0);
  }
  std::vector<HttpConnection> queued(40);
  for (HttpConnection& connection : queued) {
    ASSERT_TRUE(connection.connect(relay.port())) << connection.last_error();
    ASSERT_TRUE(connection.send_request("GET", "/queued", {{"Connection", "close"}}));
  }

  nlohmann::json one_worker = relay.config();
  one_worker["workers"] = 1;
  relay.reload_with(one_worker);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  size_t answered = 0;
  for (HttpConnection& connection : queued) {
    connection.set_timeout(std::max(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        deadline - std::chrono::steady_clock::now()),
                                    1ms));
    const auto response = connection.read_response();
    answered += response && response->status == 200;
  }
  EXPECT_EQ(answered, queued.size()) << relay.stderr_text();
  old_workers.resume();
  const auto status = wait_for_reloads(relay, 1, 15s);
  ASSERT_TRUE(status && status->ok) << relay.stderr_text();
  EXPECT_TRUE(wait_for_worker_count(relay, 1, 10s));
}

class DrainTimeoutTest : public ::testing::Test {
 protected:
  DrainTimeoutTest() : relay_(config()) {}

  nlohmann::json config() const {
    nlohmann::json config = single_upstream_config({backend_.port()});
    config["shutdown_timeout"] = "1s";
    return config;
  }

  DemoBackend backend_;
  Relay7Process relay_;
};

TEST_F(DrainTimeoutTest, ATunnelLivesOnUntilShutdownTimeout) {
  HttpConnection tunnel = open_echo_tunnel(relay_.port());
  ASSERT_TRUE(tunnel.connected()) << tunnel.last_error();
  relay_.reload_with(relay_.config());
  ASSERT_TRUE(wait_for_reloads(relay_, 1, 15s));
  const auto reloaded = std::chrono::steady_clock::now();
  EXPECT_TRUE(tunnel_echoes(tunnel, "still here"));
  EXPECT_TRUE(tunnel.is_closed_by_peer(5s));
  EXPECT_GE(std::chrono::steady_clock::now() - reloaded, 700ms);
  EXPECT_TRUE(wait_for_worker_count(relay_, 1, 5s));
}

TEST(DrainingGenerationsTest, TheOldestAreCutOffBeyondTheLimit) {
  DemoBackend backend;
  nlohmann::json config = single_upstream_config({backend.port()});
  config["shutdown_timeout"] = "60s";
  Relay7Process relay(config);
  // One tunnel per generation keeps each generation draining.
  std::vector<HttpConnection> tunnels;
  constexpr int kReloads = 6;  // the master keeps 4 draining generations
  for (int reload = 1; reload <= kReloads; ++reload) {
    tunnels.push_back(open_echo_tunnel(relay.port()));
    ASSERT_TRUE(tunnels.back().connected()) << tunnels.back().last_error();
    relay.reload_with(relay.config());
    ASSERT_TRUE(wait_for_reloads(relay, reload, 15s));
  }
  EXPECT_TRUE(tunnels[0].is_closed_by_peer(10s));
  EXPECT_TRUE(tunnels[1].is_closed_by_peer(10s));
  for (size_t i = 2; i < tunnels.size(); ++i) {
    EXPECT_TRUE(tunnel_echoes(tunnels[i], "alive " + std::to_string(i))) << "tunnel " << i;
  }
  EXPECT_TRUE(wait_for_worker_count(relay, 5, 10s)) << relay.descendant_pids().size();
}

}  // namespace
}  // namespace relay7::testing
