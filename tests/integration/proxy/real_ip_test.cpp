// real_ip: behind a trusted proxy the client address comes from its X-Forwarded-For. The
// backend is told the real client (X-Real-IP, with the proxy hop appended to X-Forwarded-For),
// ip_hash places the client by it, and the access log names it; an untrusted peer's header
// changes nothing.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "support/backend_group.h"
#include "support/backend_json.h"
#include "support/demo_backend.h"
#include "support/http_connection.h"
#include "support/paths.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"
#include "support/temp_dir.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kTrustedProxy = "127.0.0.2";
constexpr const char* kUntrustedPeer = "127.0.0.3";

class RealIpTest : public ::testing::Test {
 protected:
  static nlohmann::json config(const DemoBackend& backend, const TempDir& logs) {
    nlohmann::json config = single_upstream_config({backend.port()});
    config["real_ip"] = {{"from", {"127.0.0.2", "10.0.0.0/8"}}};
    config["access_log"] = {{"path", logs.file("access.log").string()}};
    return config;
  }

  nlohmann::json echo_from(const char* peer, const std::string& forwarded_for) {
    const HttpResponse response =
        http_get(relay_.port(), "/who", {{"X-Forwarded-For", forwarded_for}}, peer);
    EXPECT_EQ(response.status, 200) << response.reason;
    return parse_echo(response);
  }

  TempDir logs_{"relay7-real-ip"};
  DemoBackend backend_;
  Relay7Process relay_{config(backend_, logs_)};
};

TEST_F(RealIpTest, ATrustedProxysHeaderNamesTheClient) {
  const nlohmann::json echo = echo_from(kTrustedProxy, "198.51.100.4, 203.0.113.9, 10.1.2.3");
  EXPECT_EQ(echoed_header(echo, "X-Real-IP"), "203.0.113.9");
  EXPECT_EQ(echoed_header(echo, "X-Forwarded-For"),
            "198.51.100.4, 203.0.113.9, 10.1.2.3, 127.0.0.2");
  EXPECT_TRUE(eventually(
      [&] { return read_file(logs_.file("access.log")).starts_with("203.0.113.9 - - ["); }, 5s))
      << read_file(logs_.file("access.log"));
}

TEST_F(RealIpTest, AnUntrustedPeersHeaderChangesNothing) {
  const nlohmann::json echo = echo_from(kUntrustedPeer, "203.0.113.9");
  EXPECT_EQ(echoed_header(echo, "X-Real-IP"), kUntrustedPeer);
  EXPECT_EQ(echoed_header(echo, "X-Forwarded-For"), "203.0.113.9, 127.0.0.3");
}

// ip_hash on the real client: 40 clients behind one proxy spread over the backends, and each
// stays on its own, as they would if they connected directly.
TEST(RealIpHashTest, IpHashPlacesEachClientBehindTheProxyByItsOwnAddress) {
  BackendGroup backends(4);
  std::vector<uint16_t> ports;
  for (size_t i = 0; i < backends.size(); ++i) {
    ports.push_back(backends.port(i));
  }
  nlohmann::json config = single_upstream_config(ports);
  config["upstreams"][kTestUpstream]["balance"] = "ip_hash";
  config["real_ip"] = {{"from", {"127.0.0.2"}}};
  Relay7Process relay(config);
  std::set<std::string> used;
  for (int client = 1; client <= 40; ++client) {
    const std::string address = "203.0.113." + std::to_string(client);
    std::set<std::string> servers;
    for (int request = 0; request < 3; ++request) {
      const HttpResponse response =
          http_get(relay.port(), "/", {{"X-Forwarded-For", address}}, kTrustedProxy);
      ASSERT_EQ(response.status, 200) << response.reason;
      servers.insert(parse_echo(response)["server"].get<std::string>());
    }
    EXPECT_EQ(servers.size(), 1u) << address;
    used.insert(servers.begin(), servers.end());
  }
  EXPECT_GE(used.size(), 3u);
}

}  // namespace
}  // namespace relay7::testing
