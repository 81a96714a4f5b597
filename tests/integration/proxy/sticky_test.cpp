// etc/examples/sticky.json (ip_hash) against four real backends: every client address stays on
// one backend, the addresses spread over several backends, and the mapping survives a restart.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "support/backend_json.h"
#include "support/example_backends.h"
#include "support/http_connection.h"
#include "support/relay7_process.h"

namespace {

using relay7::testing::ExampleBackends;
using relay7::testing::HttpResponse;
using relay7::testing::parse_echo;
using relay7::testing::Relay7Process;

constexpr int kFirstClient = 2;  // 127.0.0.2 ..
constexpr int kLastClient = 20;  // .. 127.0.0.20
constexpr int kRounds = 3;

std::vector<std::string> client_addresses() {
  std::vector<std::string> addresses;
  for (int i = kFirstClient; i <= kLastClient; ++i)
    addresses.push_back("127.0.0." + std::to_string(i));
  return addresses;
}

nlohmann::json sticky_config(const ExampleBackends& backends) {
  return backends.rewrite(relay7::testing::load_example("sticky.json"));
}

class StickyExampleTest : public ::testing::Test {
 protected:
  StickyExampleTest() : relay_(sticky_config(backends_)) {}

  // The backend port that served one request from `client`; 0 (and a test failure) otherwise.
  int serve_from(const Relay7Process& relay, const std::string& client) {
    const HttpResponse response =
        relay7::testing::http_get(relay.port(), "/sticky?from=" + client, {}, client);
    const nlohmann::json echo = parse_echo(response);
    EXPECT_EQ(response.status, 200) << client << ": " << response.reason;
    if (response.status != 200 || echo.is_discarded())
      return 0;
    // The backend must have seen the bound address, or the test proves nothing about hashing.
    EXPECT_EQ(relay7::testing::echoed_header(echo, "X-Real-IP"), client);
    return echo["port"].get<int>();
  }

  // Client address -> every port that served it, over kRounds interleaved rounds. Interleaving
  // makes a round robin balancer (19 clients over 4 servers) move every client between rounds.
  std::map<std::string, std::vector<int>> serve_rounds(const Relay7Process& relay) {
    std::map<std::string, std::vector<int>> served;
    for (int round = 0; round < kRounds; ++round) {
      for (const std::string& client : client_addresses())
        served[client].push_back(serve_from(relay, client));
    }
    return served;
  }

  ExampleBackends backends_;
  Relay7Process relay_;
};

TEST_F(StickyExampleTest, KeepsEachClientOnOneBackend) {
  const std::map<std::string, std::vector<int>> served = serve_rounds(relay_);
  std::set<int> used;
  for (const auto& [client, ports] : served) {
    ASSERT_EQ(ports.size(), static_cast<size_t>(kRounds));
    EXPECT_EQ(std::set<int>(ports.begin(), ports.end()).size(), 1u) << client;
    EXPECT_NE(backends_.index_of(static_cast<uint16_t>(ports[0])), ExampleBackends::kCount)
        << client << " was served by an unknown port " << ports[0];
    used.insert(ports[0]);
  }
  EXPECT_GT(used.size(), 1u) << "every client hashed to the same backend";
  size_t total = 0;
  for (const std::vector<std::string>& uris : backends_.requests())
    total += uris.size();
  EXPECT_EQ(total, client_addresses().size() * kRounds);
}

TEST_F(StickyExampleTest, KeepsTheSameMappingAfterARestart) {
  std::map<std::string, int> before;
  for (const std::string& client : client_addresses())
    before[client] = serve_from(relay_, client);
  relay_.stop();
  const Relay7Process restarted(sticky_config(backends_));
  for (const std::string& client : client_addresses())
    EXPECT_EQ(serve_from(restarted, client), before[client]) << client;
}

}  // namespace
