// Slow clients: the header timeout bounds the whole header phase (a client trickling bytes does
// not renew it, the slowloris attack), a stalled body and an idle keep-alive connection are cut
// off. Timeouts are set to 1s; every wait is bounded by a byte count or a poll, never a sleep.
#include <gtest/gtest.h>

#include <string>

#include "support/demo_backend.h"
#include "support/http_connection.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;

class ClientTimeoutsTest : public ::testing::Test {
 protected:
  static nlohmann::json config_with_short_timeouts(uint16_t backend_port) {
    nlohmann::json config = single_upstream_config({backend_port});
    config["timeouts"] = {{"client_header", "1s"}, {"client_body", "1s"}, {"keepalive", "1s"}};
    return config;
  }

  DemoBackend backend_;
  Relay7Process relay_{config_with_short_timeouts(backend_.port())};
};

// One byte every 200 ms: each byte would renew a per-read timeout forever. The whole head takes
// 20 s to trickle in; the header timeout must end it after about five bytes.
TEST_F(ClientTimeoutsTest, ATricklingHeadIsCutOffByTheHeaderTimeout) {
  const std::string head =
      "GET /slow HTTP/1.1\r\nHost: test\r\nX-Padding: " + std::string(40, 'p') + "\r\n\r\n";
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_.port()));
  connection.set_timeout(5s);
  size_t sent = 0;
  bool cut_off = false;
  while (sent < head.size() && !cut_off) {
    if (!connection.send_raw(head.substr(sent, 1))) {
      cut_off = true;  // the peer is gone already
      break;
    }
    ++sent;
    cut_off = connection.is_closed_by_peer(200ms);
  }
  ASSERT_TRUE(cut_off) << "the whole head (" << head.size() << " bytes) got through";
  EXPECT_LT(sent, head.size() / 2) << "cut off only after " << sent << " bytes";
  const std::string answer = connection.take_buffered();
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 408 ")) << answer;
  EXPECT_TRUE(backend_.requests().empty());
}

TEST_F(ClientTimeoutsTest, AHeadThatNeverEndsIsAnswered408) {
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_.port()));
  connection.set_timeout(5s);
  ASSERT_TRUE(connection.send_raw("GET /never HTTP/1.1\r\nHost: test\r\n"));
  const auto response = connection.read_response();
  ASSERT_TRUE(response) << connection.last_error();
  EXPECT_EQ(response->status, 408);
  EXPECT_TRUE(connection.is_closed_by_peer(5s));
  EXPECT_TRUE(backend_.requests().empty());
}

TEST_F(ClientTimeoutsTest, AStalledBodyIsCutOff) {
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_.port()));
  ASSERT_TRUE(connection.send_raw(
      "POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\nonly ten.."));
  EXPECT_TRUE(connection.is_closed_by_peer(5s)) << "90 body bytes never come";
}

TEST_F(ClientTimeoutsTest, AnIdleKeepAliveConnectionIsClosed) {
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_.port()));
  ASSERT_TRUE(connection.send_request("GET", "/first"));
  const auto response = connection.read_response();
  ASSERT_TRUE(response) << connection.last_error();
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(connection.is_closed_by_peer(5s));
  EXPECT_EQ(connection.buffered_size(), 0u);
}

TEST_F(ClientTimeoutsTest, ANewConnectionThatSendsNothingIsClosedWithoutAnAnswer) {
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_.port()));
  EXPECT_TRUE(connection.is_closed_by_peer(5s));
  EXPECT_EQ(connection.buffered_size(), 0u) << "an unused connection gets no 408";
}

}  // namespace
}  // namespace relay7::testing
