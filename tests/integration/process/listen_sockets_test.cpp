// The listening sockets: one per worker, all in one SO_REUSEPORT group per address, so that the
// kernel spreads new connections evenly over the workers; still exclusive to one relay7; IPv6
// as well as IPv4.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <map>

#include "support/child_process.h"
#include "support/http_connection.h"
#include "support/paths.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"
#include "support/tcp_sockets.h"
#include "support/temp_dir.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;

nlohmann::json local_answer_config(unsigned workers) {
  nlohmann::json config = nlohmann::json::parse(R"({
    "servers": [{"listen": ["127.0.0.1:0"], "locations": [{"path": "/", "return": 204}]}]
  })");
  config["workers"] = workers;
  return config;
}

// The client connections each worker holds on `port`, by worker pid.
std::map<pid_t, size_t> connections_per_worker(const Relay7Process& relay) {
  std::map<pid_t, size_t> counts;
  for (pid_t worker : relay.descendant_pids()) {
    size_t& count = counts[worker];
    for (const TcpSocket& socket : tcp_sockets_of({worker})) {
      count += socket.established() && socket.local_port == relay.port();
    }
  }
  return counts;
}

size_t total(const std::map<pid_t, size_t>& counts) {
  size_t sum = 0;
  for (const auto& [worker, count] : counts) {
    sum += count;
  }
  return sum;
}

size_t listening_sockets(const Relay7Process& relay, const std::string& address) {
  size_t count = 0;
  for (const TcpSocket& socket : tcp_sockets_of({relay.pid()})) {
    count +=
        socket.listening() && socket.local_port == relay.port() && socket.local_address == address;
  }
  return count;
}

int status_of_get(uint16_t port, const std::string& host) {
  HttpConnection connection;
  if (!connection.connect(port, host)) {
    return 0;
  }
  connection.set_timeout(5s);
  if (!connection.send_request("GET", "/", {{"Connection", "close"}})) {
    return 0;
  }
  const auto response = connection.read_response();
  return response ? response->status : 0;
}

TEST(ListenSocketsTest, FourWorkersEachTakeAFairShareOfFourHundredConnections) {
  constexpr size_t kWorkers = 4;
  constexpr size_t kConnections = 400;
  Relay7Process relay(local_answer_config(kWorkers));
  ASSERT_TRUE(wait_until_serving(relay, kWorkers, 10s)) << relay.stderr_text();
  EXPECT_EQ(listening_sockets(relay, "127.0.0.1"), kWorkers);

  // Held open, so that each worker's share can be counted exactly from its descriptors.
  std::vector<HttpConnection> clients(kConnections);
  for (HttpConnection& client : clients) {
    ASSERT_TRUE(client.connect(relay.port())) << client.last_error();
  }
  std::map<pid_t, size_t> counts;
  ASSERT_TRUE(eventually(
      [&] {
        counts = connections_per_worker(relay);
        return total(counts) == kConnections;
      },
      10s))
      << ::testing::PrintToString(counts);
  ASSERT_EQ(counts.size(), kWorkers);
  for (const auto& [worker, count] : counts) {
    EXPECT_LE(count, kConnections / kWorkers * 3 / 2)
        << "worker " << worker << " of " << ::testing::PrintToString(counts);
  }
}

TEST(ListenSocketsTest, ASecondRelay7OnTheSamePortFailsWithAddressInUse) {
  Relay7Process relay(local_answer_config(2));
  ASSERT_TRUE(wait_for_reloads(relay, 0, 10s));
  TempDir dir("relay7-second");
  nlohmann::json second = relay.config();
  second["pid_file"] = dir.file("second.pid").string();
  write_file(dir.file("relay7.json"), second.dump());
  ChildProcess refused({relay7_binary(), "-c", dir.file("relay7.json").string()});
  const auto status = refused.wait_exit(10s);
  ASSERT_TRUE(status) << "a second relay7 shares port " << relay.port();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1) << describe_wait_status(*status);
  EXPECT_NE(refused.stderr_text().find("cannot bind 127.0.0.1:" + std::to_string(relay.port()) +
                                       ": Address already in use"),
            std::string::npos)
      << refused.stderr_text();
  EXPECT_EQ(listening_sockets(relay, "127.0.0.1"), 2u);
  for (int request = 0; request < 20; ++request) {
    EXPECT_EQ(status_of_get(relay.port(), "127.0.0.1"), 204) << "request " << request;
  }
}

TEST(ListenSocketsTest, AnIpv6AddressServesFromEveryWorkerAcrossReloadsThatChangeWorkers) {
  const auto config_for = [](uint16_t port, unsigned workers) {
    nlohmann::json config = local_answer_config(workers);
    config["servers"][0]["listen"] = {"127.0.0.1:" + std::to_string(port),
                                      "[::1]:" + std::to_string(port)};
    return config;
  };
  Relay7Process relay([&](uint16_t port) { return config_for(port, 2); });
  ASSERT_TRUE(wait_for_reloads(relay, 0, 10s));
  const auto expect_answers_on_ipv6 = [&](unsigned workers) {
    for (int request = 0; request < 10; ++request) {
      EXPECT_EQ(status_of_get(relay.port(), "::1"), 204) << workers << " workers";
    }
  };
  expect_answers_on_ipv6(2);
  uint64_t reloads = 0;
  for (unsigned workers : {3u, 1u}) {
    nlohmann::json next = config_for(relay.port(), workers);
    next["pid_file"] = relay.config()["pid_file"];
    relay.reload_with(next);
    const auto status = wait_for_reloads(relay, ++reloads, 15s);
    ASSERT_TRUE(status && status->ok) << relay.stderr_text();
    expect_answers_on_ipv6(workers);
  }
  // As many sockets as the most workers there were: none was closed under a queue.
  EXPECT_EQ(listening_sockets(relay, "::1"), 3u);
  EXPECT_EQ(listening_sockets(relay, "127.0.0.1"), 3u);
}

}  // namespace
}  // namespace relay7::testing
