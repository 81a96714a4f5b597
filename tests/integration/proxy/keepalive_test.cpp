// Connection persistence on both sides of relay7: client keep-alive (HTTP/1.1 and 1.0, the idle
// timeout, Connection: close), pipelining, and reuse of pooled upstream connections, which is
// observed from the kernel's socket table since the backend's echo cannot show it.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "support/backend_json.h"
#include "support/demo_backend.h"
#include "support/fnv1a.h"
#include "support/http_connection.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"
#include "support/tcp_sockets.h"

namespace {

using relay7::testing::DemoBackend;
using relay7::testing::echoed_header;
using relay7::testing::format_request;
using relay7::testing::HttpConnection;
using relay7::testing::HttpResponse;
using relay7::testing::parse_echo;
using relay7::testing::Relay7Process;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kCloseWait{3000};
constexpr milliseconds kStaysOpen{200};

// Adjusts the single-upstream config before relay7 starts.
using Customize = std::function<void(nlohmann::json&)>;

nlohmann::json config_for(const DemoBackend& backend, const Customize& customize) {
  nlohmann::json config = relay7::testing::single_upstream_config({backend.port()});
  if (customize)
    customize(config);
  return config;
}

// Local ports of relay7's established connections to the backend: one entry per upstream
// connection relay7 holds open right now.
std::vector<uint16_t> upstream_connections(const Relay7Process& relay, uint16_t backend_port) {
  std::vector<uint16_t> ports;
  for (const auto& socket : relay7::testing::tcp_sockets_of(relay.all_pids())) {
    if (socket.established() && socket.remote_port == backend_port)
      ports.push_back(socket.local_port);
  }
  return ports;
}

class KeepAliveTest : public ::testing::Test {
 protected:
  explicit KeepAliveTest(const Customize& customize = {})
      : relay_(config_for(backend_, customize)) {}

  void connect(HttpConnection& connection) {
    ASSERT_TRUE(connection.connect(relay_.port())) << connection.last_error();
  }

  // One request on `connection`; the echo of a 200, or a discarded value (and a failure).
  nlohmann::json exchange(HttpConnection& connection, const std::string& target,
                          const relay7::testing::Headers& headers = {}) {
    EXPECT_TRUE(connection.send_request("GET", target, headers)) << connection.last_error();
    const std::optional<HttpResponse> response = connection.read_final_response();
    EXPECT_TRUE(response) << target << ": " << connection.last_error();
    if (!response)
      return nlohmann::json(nlohmann::json::value_t::discarded);
    EXPECT_EQ(response->status, 200) << target;
    last_response_ = *response;
    return parse_echo(*response);
  }

  DemoBackend backend_;
  Relay7Process relay_;
  HttpResponse last_response_;
};

TEST_F(KeepAliveTest, AnswersSeveralRequestsOnOneClientConnection) {
  HttpConnection connection;
  connect(connection);
  for (int i = 0; i < 5; ++i) {
    const std::string target = "/ka/" + std::to_string(i);
    EXPECT_EQ(exchange(connection, target)["uri"], target);
    EXPECT_FALSE(last_response_.has_header("Connection")) << target;
  }
  EXPECT_FALSE(connection.is_closed_by_peer(kStaysOpen));
  EXPECT_EQ(connection.buffered_size(), 0u);
  EXPECT_EQ(backend_.requests(),
            (std::vector<std::string>{"/ka/0", "/ka/1", "/ka/2", "/ka/3", "/ka/4"}));
}

TEST_F(KeepAliveTest, ReusesOneUpstreamConnectionAcrossClients) {
  std::set<uint16_t> seen;
  for (int i = 0; i < 5; ++i) {
    // A new client connection each time: the pool belongs to the worker, not to a client.
    HttpConnection connection;
    connect(connection);
    const nlohmann::json echo = exchange(connection, "/reuse/" + std::to_string(i));
    // relay7 asks the backend to keep the connection: no "Connection: close" upstream.
    EXPECT_EQ(echoed_header(echo, "Connection"), "");
    const std::vector<uint16_t> open = upstream_connections(relay_, backend_.port());
    ASSERT_EQ(open.size(), 1u) << "after request " << i;
    seen.insert(open[0]);
  }
  EXPECT_EQ(seen.size(), 1u) << "relay7 opened a new upstream connection for some request";
}

TEST_F(KeepAliveTest, AnswersPipelinedRequestsInOrder) {
  HttpConnection connection;
  connect(connection);
  // The slowest answer comes first, so answering in completion order would show.
  const std::string body = "pipelined body";
  const std::string requests =
      format_request("GET", "/p/1?delay_ms=150") + format_request("POST", "/p/2", {}, body) +
      format_request("GET", "/p/3?bytes=100") + format_request("GET", "/p/4?chunked=1");
  ASSERT_TRUE(connection.send_raw(requests)) << connection.last_error();
  std::vector<HttpResponse> responses;
  for (int i = 0; i < 4; ++i) {
    const std::optional<HttpResponse> response = connection.read_response();
    ASSERT_TRUE(response) << "response " << i << ": " << connection.last_error();
    ASSERT_EQ(response->status, 200) << "response " << i;
    responses.push_back(*response);
  }
  EXPECT_EQ(parse_echo(responses[0])["uri"], "/p/1?delay_ms=150");
  const nlohmann::json post = parse_echo(responses[1]);
  EXPECT_EQ(post["uri"], "/p/2");
  EXPECT_EQ(post["method"], "POST");
  EXPECT_EQ(post["body_fnv1a"], relay7::testing::fnv1a_hex(body));
  EXPECT_EQ(responses[2].body, relay7::testing::demo_pattern(100));
  EXPECT_EQ(parse_echo(responses[3])["uri"], "/p/4?chunked=1");
  EXPECT_FALSE(connection.is_closed_by_peer(kStaysOpen));
  EXPECT_EQ(connection.buffered_size(), 0u);
}

TEST_F(KeepAliveTest, AnswersManyPipelinedRequestsAndClosesAfterTheLast) {
  constexpr int kCount = 50;
  std::string requests;
  for (int i = 0; i < kCount; ++i) {
    const relay7::testing::Headers headers = i + 1 == kCount
                                                 ? relay7::testing::Headers{{"Connection", "close"}}
                                                 : relay7::testing::Headers{};
    requests += format_request("GET", "/many/" + std::to_string(i), headers);
  }
  HttpConnection connection;
  connect(connection);
  ASSERT_TRUE(connection.send_raw(requests)) << connection.last_error();
  for (int i = 0; i < kCount; ++i) {
    const std::optional<HttpResponse> response = connection.read_response();
    ASSERT_TRUE(response) << "response " << i << ": " << connection.last_error();
    EXPECT_EQ(parse_echo(*response)["uri"], "/many/" + std::to_string(i));
    EXPECT_EQ(response->header("Connection"), i + 1 == kCount ? "close" : "") << i;
  }
  EXPECT_TRUE(connection.is_closed_by_peer(kCloseWait));
  EXPECT_EQ(connection.buffered_size(), 0u);
}

TEST_F(KeepAliveTest, ClosesWhenTheClientAsks) {
  HttpConnection connection;
  connect(connection);
  exchange(connection, "/bye", {{"Connection", "close"}});
  EXPECT_EQ(last_response_.header("Connection"), "close");
  EXPECT_TRUE(connection.is_closed_by_peer(kCloseWait));
}

TEST_F(KeepAliveTest, AnswersAClientThatHalfClosedAfterItsRequest) {
  HttpConnection connection;
  connect(connection);
  ASSERT_TRUE(connection.send_request("GET", "/half-closed?delay_ms=100"));
  ASSERT_TRUE(connection.shutdown_write());
  const std::optional<HttpResponse> response = connection.read_final_response();
  ASSERT_TRUE(response) << connection.last_error();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(parse_echo(*response)["uri"], "/half-closed?delay_ms=100");
  EXPECT_TRUE(connection.is_closed_by_peer(kCloseWait));
  EXPECT_EQ(connection.buffered_size(), 0u);
}

TEST_F(KeepAliveTest, ClosesHttp10ConnectionsUnlessAskedToKeepThem) {
  HttpConnection plain;
  connect(plain);
  ASSERT_TRUE(plain.send_raw("GET /old HTTP/1.0\r\n\r\n"));
  std::optional<HttpResponse> response = plain.read_response();
  ASSERT_TRUE(response) << plain.last_error();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->header("Connection"), "close");
  EXPECT_TRUE(plain.is_closed_by_peer(kCloseWait));

  HttpConnection kept;
  connect(kept);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(kept.send_raw("GET /old-kept HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    response = kept.read_response();
    ASSERT_TRUE(response) << kept.last_error();
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->header("Connection"), "keep-alive");
  }
  EXPECT_FALSE(kept.is_closed_by_peer(kStaysOpen));
}

class UpstreamKeepaliveOneTest : public KeepAliveTest {
 protected:
  static constexpr size_t kBurst = 4;
  UpstreamKeepaliveOneTest()
      : KeepAliveTest([](nlohmann::json& config) {
          config["upstreams"][relay7::testing::kTestUpstream]["keepalive"] = 1;
        }) {}

  // kBurst requests in flight at once (the backend holds each for 500 ms); returns the upstream
  // connections relay7 holds right after.
  std::set<uint16_t> burst(const std::string& name) {
    std::vector<HttpConnection> clients(kBurst);
    for (size_t i = 0; i < kBurst; ++i) {
      connect(clients[i]);
      EXPECT_TRUE(clients[i].send_request("GET", "/" + name + "?delay_ms=500"));
    }
    for (HttpConnection& client : clients) {
      const std::optional<HttpResponse> response = client.read_final_response();
      EXPECT_TRUE(response && response->status == 200) << name << ": " << client.last_error();
    }
    const std::vector<uint16_t> open = upstream_connections(relay_, backend_.port());
    return std::set<uint16_t>(open.begin(), open.end());
  }
};

// keepalive bounds the connections kept for long, not the ones a burst just gave back: nginx
// closes those at once and reopens them for the next burst.
TEST_F(UpstreamKeepaliveOneTest, ABurstsConnectionsServeTheNextBurstThenAreTrimmed) {
  const std::set<uint16_t> first = burst("first");
  EXPECT_EQ(first.size(), kBurst);
  const std::set<uint16_t> second = burst("second");
  EXPECT_EQ(second, first) << "the second burst opened new upstream connections";
  EXPECT_TRUE(relay7::testing::eventually(
      [&] { return upstream_connections(relay_, backend_.port()).size() == 1; },
      std::chrono::seconds(10)))
      << upstream_connections(relay_, backend_.port()).size() << " idle upstream connections";
}

class UpstreamKeepaliveOffTest : public KeepAliveTest {
 protected:
  UpstreamKeepaliveOffTest()
      : KeepAliveTest([](nlohmann::json& config) {
          config["upstreams"][relay7::testing::kTestUpstream]["keepalive"] = 0;
        }) {}
};

// The control for ReusesOneUpstreamConnectionAcrossClients: the socket check sees the difference.
TEST_F(UpstreamKeepaliveOffTest, UsesAFreshUpstreamConnectionPerRequest) {
  HttpConnection connection;
  connect(connection);
  for (int i = 0; i < 3; ++i) {
    const nlohmann::json echo = exchange(connection, "/fresh/" + std::to_string(i));
    EXPECT_EQ(echoed_header(echo, "Connection"), "close");
    EXPECT_EQ(upstream_connections(relay_, backend_.port()), std::vector<uint16_t>{})
        << "after request " << i;
  }
  // The client side is unaffected: its connection stays alive.
  EXPECT_FALSE(connection.is_closed_by_peer(kStaysOpen));
}

class UpstreamIdleTimeoutTest : public KeepAliveTest {
 protected:
  static constexpr milliseconds kUpstreamIdle{800};
  UpstreamIdleTimeoutTest()
      : KeepAliveTest([](nlohmann::json& config) {
          config["timeouts"]["upstream_idle"] = std::to_string(kUpstreamIdle.count()) + "ms";
        }) {}
};

// timeouts.upstream_idle closes a pooled connection idle that long, even one within keepalive:
// a backend that never times idle connections out would otherwise keep it for ever.
TEST_F(UpstreamIdleTimeoutTest, ClosesAPooledConnectionIdleThatLong) {
  HttpConnection connection;
  connect(connection);
  exchange(connection, "/pooled");
  const auto idle_since = Clock::now();
  ASSERT_EQ(upstream_connections(relay_, backend_.port()).size(), 1u);
  ASSERT_TRUE(relay7::testing::eventually(
      [&] { return upstream_connections(relay_, backend_.port()).empty(); },
      std::chrono::seconds(5)))
      << "the pooled connection outlived upstream_idle";
  const auto idle = std::chrono::duration_cast<milliseconds>(Clock::now() - idle_since);
  EXPECT_GE(idle.count(), kUpstreamIdle.count() - 50);
  // The client's own connection is not the pool's business: the next request reconnects.
  exchange(connection, "/again");
  EXPECT_EQ(upstream_connections(relay_, backend_.port()).size(), 1u);
}

class ClientKeepaliveTimeoutTest : public KeepAliveTest {
 protected:
  static constexpr milliseconds kIdle{300};
  explicit ClientKeepaliveTimeoutTest(const std::string& keepalive = "300ms")
      : KeepAliveTest(
            [keepalive](nlohmann::json& config) { config["timeouts"]["keepalive"] = keepalive; }) {}
};

TEST_F(ClientKeepaliveTimeoutTest, ClosesAnIdleConnectionAfterTheTimeout) {
  HttpConnection connection;
  connect(connection);
  exchange(connection, "/idle");
  const auto idle_since = Clock::now();
  EXPECT_TRUE(connection.is_closed_by_peer(kCloseWait));
  const auto idle = std::chrono::duration_cast<milliseconds>(Clock::now() - idle_since);
  // Timers may fire a little early relative to this clock, never a lot.
  EXPECT_GE(idle.count(), kIdle.count() - 50);
  EXPECT_EQ(connection.buffered_size(), 0u);
}

class ClientKeepaliveOffTest : public ClientKeepaliveTimeoutTest {
 protected:
  ClientKeepaliveOffTest() : ClientKeepaliveTimeoutTest("0s") {}
};

TEST_F(ClientKeepaliveOffTest, ClosesAfterEachResponse) {
  HttpConnection connection;
  connect(connection);
  exchange(connection, "/once");
  EXPECT_EQ(last_response_.header("Connection"), "close");
  EXPECT_TRUE(connection.is_closed_by_peer(kCloseWait));
}

}  // namespace
