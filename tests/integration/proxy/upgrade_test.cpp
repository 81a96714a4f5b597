// Connection: Upgrade through relay7: the backend's 101 reaches the client and the connection
// becomes a byte tunnel in both directions; a refused upgrade is an ordinary response.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "support/backend_json.h"
#include "support/demo_backend.h"
#include "support/http_connection.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"
#include "support/tcp_sockets.h"

namespace {

using relay7::testing::DemoBackend;
using relay7::testing::HttpConnection;
using relay7::testing::HttpResponse;
using relay7::testing::Relay7Process;
using std::chrono::milliseconds;

constexpr milliseconds kCloseWait{3000};

std::string binary_payload(size_t length) {
  std::string payload(length, '\0');
  for (size_t i = 0; i < length; ++i)
    payload[i] = static_cast<char>((i * 131 + i / 251) & 0xFF);
  return payload;
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR)
      continue;
    if (sent <= 0)
      return false;
    bytes.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

std::string upgrade_request(const std::string& target, const std::string& extra = "") {
  return "GET " + target +
         " HTTP/1.1\r\nHost: ws.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
         "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n" +
         extra;
}

class UpgradeTest : public ::testing::Test {
 protected:
  UpgradeTest() : relay_(relay7::testing::single_upstream_config({backend_.port()})) {}

  void SetUp() override {
    ASSERT_TRUE(connection_.connect(relay_.port())) << connection_.last_error();
  }

  // Sends the upgrade request and reads the 101 head.
  void switch_protocols(const std::string& extra = "") {
    ASSERT_TRUE(connection_.send_raw(upgrade_request("/ws", extra))) << connection_.last_error();
    const std::optional<HttpResponse> response = connection_.read_response();
    ASSERT_TRUE(response) << connection_.last_error();
    ASSERT_EQ(response->status, 101);
    EXPECT_EQ(response->header("Upgrade"), "websocket");
    EXPECT_TRUE(relay7::testing::has_token(response->header("Connection"), "upgrade"))
        << response->header("Connection");
  }

  DemoBackend backend_;
  Relay7Process relay_;
  HttpConnection connection_;
};

TEST_F(UpgradeTest, TunnelsBytesBothWaysAfter101) {
  switch_protocols();
  for (const std::string& message :
       std::vector<std::string>{"hello", "second message", std::string(1, '\0')}) {
    ASSERT_TRUE(connection_.send_raw(message)) << connection_.last_error();
    EXPECT_EQ(connection_.read_exactly(message.size()), message) << connection_.last_error();
  }
  EXPECT_EQ(backend_.requests(), std::vector<std::string>{"/ws"});
}

TEST_F(UpgradeTest, ForwardsTheUpgradeHeadersToTheBackend) {
  // The backend's echo is not available after a 101, so ask for the headers with a refusal.
  const HttpResponse refused = [&] {
    EXPECT_TRUE(connection_.send_raw(upgrade_request("/ws?status=200")));
    return connection_.read_response().value_or(HttpResponse{});
  }();
  ASSERT_EQ(refused.status, 200) << connection_.last_error();
  const nlohmann::json echo = relay7::testing::parse_echo(refused);
  EXPECT_EQ(relay7::testing::echoed_header(echo, "Upgrade"), "websocket");
  EXPECT_TRUE(
      relay7::testing::has_token(relay7::testing::echoed_header(echo, "Connection"), "upgrade"));
  EXPECT_EQ(relay7::testing::echoed_header(echo, "Sec-WebSocket-Key"), "dGhlIHNhbXBsZSBub25jZQ==");
  EXPECT_EQ(relay7::testing::echoed_header(echo, "Sec-WebSocket-Version"), "13");
}

TEST_F(UpgradeTest, DeliversBytesSentRightBehindTheRequest) {
  switch_protocols("early bytes");
  EXPECT_EQ(connection_.read_exactly(11), "early bytes") << connection_.last_error();
}

TEST_F(UpgradeTest, TunnelsALargePayloadWithBackpressure) {
  switch_protocols();
  // Several MiB in both directions at once: the echo can only complete if neither side of the
  // tunnel stalls while the other is full.
  const std::string payload = binary_payload(8 * 1024 * 1024 + 3);
  bool sent = false;
  // Raw send() on the descriptor: the HttpConnection itself belongs to the reading thread.
  std::thread sender([&] { sent = send_all(connection_.fd(), payload); });
  const std::optional<std::string> echoed = connection_.read_exactly(payload.size());
  sender.join();
  ASSERT_TRUE(sent);
  ASSERT_TRUE(echoed) << connection_.last_error();
  ASSERT_EQ(echoed->size(), payload.size());
  EXPECT_TRUE(*echoed == payload) << "the tunnel changed the bytes";
}

// The tunnel does not carry a half-close (tunnel.h: when either side closes, what is buffered
// for the other is delivered, then both close), so the echo is read before the client finishes.
TEST_F(UpgradeTest, ClosesTheTunnelWhenTheClientFinishes) {
  switch_protocols();
  ASSERT_TRUE(connection_.send_raw("last words"));
  EXPECT_EQ(connection_.read_exactly(10), "last words") << connection_.last_error();
  ASSERT_TRUE(connection_.shutdown_write());
  EXPECT_TRUE(connection_.is_closed_by_peer(kCloseWait));
  EXPECT_EQ(connection_.buffered_size(), 0u);
  // relay7 keeps serving other clients.
  const HttpResponse after = relay7::testing::http_get(relay_.port(), "/after");
  EXPECT_EQ(after.status, 200) << after.reason;
}

TEST_F(UpgradeTest, PassesARefusedUpgradeAsAnOrdinaryResponse) {
  ASSERT_TRUE(connection_.send_raw(upgrade_request("/ws?status=426")));
  const std::optional<HttpResponse> response = connection_.read_response();
  ASSERT_TRUE(response) << connection_.last_error();
  EXPECT_EQ(response->status, 426);
  EXPECT_EQ(relay7::testing::parse_echo(*response)["uri"], "/ws?status=426");
}

// relay7 with `tunnel_idle` in front of `backend`, and a client through it whose upgrade to a
// WebSocket tunnel was switched.
class TunnelIdleTest : public ::testing::Test {
 protected:
  void open_tunnel(const char* tunnel_idle) {
    nlohmann::json config = relay7::testing::single_upstream_config({backend_.port()});
    config["timeouts"]["tunnel_idle"] = tunnel_idle;
    relay_.emplace(config);
    ASSERT_TRUE(connection_.connect(relay_->port()));
    ASSERT_TRUE(connection_.send_raw(upgrade_request("/ws")));
    const std::optional<HttpResponse> response = connection_.read_response();
    ASSERT_TRUE(response && response->status == 101) << connection_.last_error();
  }

  DemoBackend backend_;
  std::optional<Relay7Process> relay_;
  HttpConnection connection_;
};

// timeouts.tunnel_idle: a tunnel silent both ways that long is closed; traffic in either direction
// keeps it open. The silence is measured, not slept: the close must come within the limit plus
// the timer's slack, not before the limit.
TEST_F(TunnelIdleTest, ASilentTunnelIsClosedAfterTunnelIdle) {
  open_tunnel("600ms");
  // Activity every 300 ms for 1.5 s: never silent for 600 ms.
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(connection_.is_closed_by_peer(milliseconds(300))) << "closed while active";
    ASSERT_TRUE(connection_.send_raw("ping"));
    EXPECT_EQ(connection_.read_exactly(4), "ping") << connection_.last_error();
  }
  const auto silent_since = std::chrono::steady_clock::now();
  EXPECT_TRUE(connection_.is_closed_by_peer(kCloseWait)) << "a silent tunnel stayed open";
  const auto silent_ms =
      std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - silent_since)
          .count();
  EXPECT_GE(silent_ms, 550);
}

// A silent tunnel may be silent because a peer vanished: both of its sockets probe with TCP
// keepalive, which shows as a pending keepalive timer on idle sockets.
TEST_F(UpgradeTest, TunnelSocketsUseTcpKeepalive) {
  switch_protocols();
  const std::vector<pid_t> workers = relay_.descendant_pids();
  ASSERT_EQ(workers.size(), 1u);
  size_t with_keepalive = 0;
  for (const relay7::testing::TcpSocket& socket : relay7::testing::tcp_sockets_of(workers)) {
    const bool client_side = socket.remote_port == connection_.local_port();
    const bool backend_side = socket.remote_port == backend_.port();
    if ((client_side || backend_side) && socket.established()) {
      EXPECT_EQ(socket.timer, 2) << (client_side ? "client" : "backend") << " socket";
      ++with_keepalive;
    }
  }
  EXPECT_EQ(with_keepalive, 2u);
}

TEST_F(TunnelIdleTest, ZeroKeepsASilentTunnelOpen) {
  open_tunnel("0s");
  EXPECT_FALSE(connection_.is_closed_by_peer(milliseconds(1500)));
  ASSERT_TRUE(connection_.send_raw("still"));
  EXPECT_EQ(connection_.read_exactly(5), "still");
}

}  // namespace
