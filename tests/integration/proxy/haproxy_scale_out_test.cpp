// The scale-out path of issue 17: two relay7 instances behind HAProxy in TCP mode, which sends
// PROXY protocol v2 and alternates between them. Forty clients, each with its own address,
// each connecting through both instances: ip_hash on both places each client on the same
// backend, and both access logs name the real client rather than HAProxy.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/backend_group.h"
#include "support/backend_json.h"
#include "support/haproxy_process.h"
#include "support/http_connection.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"
#include "support/temp_dir.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kClients = 40;
constexpr int kRequestsPerClient = 2;  // round robin over two instances: one each

std::string client_address(int client) {
  return "127.0.0." + std::to_string(client + 2);
}

// One worker (the default of single_upstream_config) so the access log is one writer's.
nlohmann::json relay_config(const std::vector<uint16_t>& backend_ports, const std::string& log,
                            uint16_t port) {
  nlohmann::json config = single_upstream_config(backend_ports);
  config["upstreams"][kTestUpstream]["balance"] = "ip_hash";
  config["servers"][0]["listen"] = {
      {{"address", loopback_address(port)}, {"proxy_protocol", true}}};
  config["access_log"] = {{"path", log}};
  return config;
}

// nbthread 1: the round robin then strictly alternates over sequential connections.
std::string haproxy_config(uint16_t port, uint16_t first, uint16_t second) {
  std::ostringstream config;
  config << "global\n  nbthread 1\n"
         << "defaults\n  mode tcp\n  timeout connect 5s\n  timeout client 30s\n"
         << "  timeout server 30s\n"
         << "frontend in\n  bind 127.0.0.1:" << port << "\n  default_backend relays\n"
         << "backend relays\n  balance roundrobin\n"
         << "  server r1 127.0.0.1:" << first << " send-proxy-v2\n"
         << "  server r2 127.0.0.1:" << second << " send-proxy-v2\n";
  return config.str();
}

// The client addresses an access log names, one per line.
std::multiset<std::string> logged_clients(const std::filesystem::path& log) {
  std::multiset<std::string> clients;
  std::istringstream lines(read_file(log));
  for (std::string line; std::getline(lines, line);) {
    clients.insert(line.substr(0, line.find(' ')));
  }
  return clients;
}

TEST(HaproxyScaleOutTest, BothInstancesPlaceEachClientAlikeAndLogItsAddress) {
  BackendGroup backends(4);
  std::vector<uint16_t> ports;
  for (size_t i = 0; i < backends.size(); ++i) {
    ports.push_back(backends.port(i));
  }
  TempDir logs("relay7-haproxy-logs");
  const std::string first_log = logs.file("first.log").string();
  const std::string second_log = logs.file("second.log").string();
  Relay7Process first([&](uint16_t port) { return relay_config(ports, first_log, port); });
  Relay7Process second([&](uint16_t port) { return relay_config(ports, second_log, port); });
  HaproxyProcess haproxy(
      [&](uint16_t port) { return haproxy_config(port, first.port(), second.port()); });

  std::map<std::string, std::set<std::string>> servers_of;  // client -> backends that served it
  for (int client = 0; client < kClients; ++client) {
    const std::string address = client_address(client);
    for (int request = 0; request < kRequestsPerClient; ++request) {
      const HttpResponse response = http_get(haproxy.port(), "/", {}, address);
      ASSERT_EQ(response.status, 200) << address << ": " << response.reason << "\n"
                                      << haproxy.output();
      const nlohmann::json echo = parse_echo(response);
      EXPECT_EQ(echoed_header(echo, "X-Real-IP"), address);
      servers_of[address].insert(echo["server"].get<std::string>());
    }
  }
  std::set<std::string> used;
  for (const auto& [address, servers] : servers_of) {
    EXPECT_EQ(servers.size(), 1u) << address << " was placed on several backends";
    used.insert(servers.begin(), servers.end());
  }
  EXPECT_GE(used.size(), 3u);  // the clients spread: ip_hash saw 40 addresses, not HAProxy's one

  std::multiset<std::string> expected;
  for (int client = 0; client < kClients; ++client) {
    expected.insert(client_address(client));
  }
  // Each instance served each client once (strict alternation) and logged its real address.
  EXPECT_TRUE(eventually([&] { return logged_clients(first_log) == expected; }, 5s))
      << read_file(first_log);
  EXPECT_TRUE(eventually([&] { return logged_clients(second_log) == expected; }, 5s))
      << read_file(second_log);
}

}  // namespace
}  // namespace relay7::testing
