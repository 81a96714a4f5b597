// The headers a backend sees and a client gets back: Host passes unchanged, X-Forwarded-For is
// extended and X-Real-IP, X-Forwarded-Proto and X-Forwarded-Host are set (client copies never
// survive), and hop-by-hop headers stop at relay7 in both directions.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "support/backend_json.h"
#include "support/demo_backend.h"
#include "support/http_connection.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"

namespace {

using relay7::testing::DemoBackend;
using relay7::testing::echoed_header;
using relay7::testing::echoed_header_values;
using relay7::testing::HttpConnection;
using relay7::testing::HttpResponse;
using relay7::testing::parse_echo;
using relay7::testing::Relay7Process;

// The client address the backend should be told about.
constexpr const char* kClient = "127.0.0.5";

class ForwardedHeadersTest : public ::testing::Test {
 protected:
  ForwardedHeadersTest() : relay_(relay7::testing::single_upstream_config({backend_.port()})) {}

  void SetUp() override {
    ASSERT_TRUE(connection_.connect(relay_.port(), "127.0.0.1", kClient))
        << connection_.last_error();
  }

  // Sends `raw` (a whole request) and returns the backend's echo of it.
  nlohmann::json echo_of(const std::string& raw) {
    EXPECT_TRUE(connection_.send_raw(raw)) << connection_.last_error();
    const std::optional<HttpResponse> response = connection_.read_final_response();
    EXPECT_TRUE(response) << connection_.last_error();
    if (!response)
      return nlohmann::json(nlohmann::json::value_t::discarded);
    EXPECT_EQ(response->status, 200);
    return parse_echo(*response);
  }

  DemoBackend backend_;
  Relay7Process relay_;
  HttpConnection connection_;
};

TEST_F(ForwardedHeadersTest, SendsExactlyTheEndToEndHeadersPlusForwardingOnes) {
  const nlohmann::json echo = echo_of(
      "GET /fwd?q=1 HTTP/1.1\r\n"
      "Host: app.example:8080\r\n"
      "X-Forwarded-For: 203.0.113.7\r\n"
      "X-Real-IP: 6.6.6.6\r\n"
      "X-Forwarded-Proto: https\r\n"
      "X-Forwarded-Host: evil.example\r\n"
      "Connection: keep-alive, X-Secret\r\n"
      "X-Secret: hidden\r\n"
      "Keep-Alive: timeout=5\r\n"
      "TE: trailers\r\n"
      "Proxy-Connection: keep-alive\r\n"
      "Trailer: X-Sum\r\n"
      "Upgrade: h2c\r\n"
      "X-Normal: yes\r\n"
      "User-Agent: relay7-test\r\n"
      "\r\n");
  ASSERT_FALSE(echo.is_discarded());
  EXPECT_EQ(echo["uri"], "/fwd?q=1");
  EXPECT_EQ(echo["version"], "1.1");
  // The echo lists [name, value] pairs in the order the backend received them.
  const nlohmann::json expected = nlohmann::json::parse(R"([
      ["Host", "app.example:8080"],
      ["X-Normal", "yes"],
      ["User-Agent", "relay7-test"],
      ["X-Forwarded-For", "203.0.113.7, 127.0.0.5"],
      ["X-Real-IP", "127.0.0.5"],
      ["X-Forwarded-Proto", "http"],
      ["X-Forwarded-Host", "app.example:8080"]
  ])");
  EXPECT_EQ(echo["headers"], expected) << echo["headers"].dump();
}

TEST_F(ForwardedHeadersTest, StartsXForwardedForWithTheClientAddress) {
  const nlohmann::json echo = echo_of("GET / HTTP/1.1\r\nHost: plain\r\n\r\n");
  EXPECT_EQ(echoed_header_values(echo, "X-Forwarded-For"), std::vector<std::string>{kClient});
  EXPECT_EQ(echoed_header(echo, "X-Real-IP"), kClient);
  EXPECT_EQ(echoed_header(echo, "X-Forwarded-Proto"), "http");
  EXPECT_EQ(echoed_header(echo, "X-Forwarded-Host"), "plain");
  EXPECT_EQ(echoed_header(echo, "Host"), "plain");
}

TEST_F(ForwardedHeadersTest, JoinsSeveralXForwardedForHeadersInOrder) {
  const nlohmann::json echo = echo_of(
      "GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 198.51.100.1\r\n"
      "X-Forwarded-For: 198.51.100.2, 198.51.100.3\r\n\r\n");
  EXPECT_EQ(echoed_header_values(echo, "X-Forwarded-For"),
            std::vector<std::string>{std::string("198.51.100.1, 198.51.100.2, 198.51.100.3, ") +
                                     kClient});
}

TEST_F(ForwardedHeadersTest, PassesHostExactlyAsSent) {
  for (const char* host : {"Example.COM", "a.b.c:1234", "[::1]:8080", "127.0.0.1"}) {
    const nlohmann::json echo =
        echo_of(std::string("GET /h HTTP/1.1\r\nHost: ") + host + "\r\n\r\n");
    EXPECT_EQ(echoed_header_values(echo, "Host"), std::vector<std::string>{host});
    EXPECT_EQ(echoed_header(echo, "X-Forwarded-Host"), host);
  }
}

// relay7.json(5): an absolute-form target's host replaces the Host header.
TEST_F(ForwardedHeadersTest, TakesTheHostOfAnAbsoluteFormTarget) {
  const nlohmann::json echo =
      echo_of("GET http://abs.example/path?x=1 HTTP/1.1\r\nHost: ignored.example\r\n\r\n");
  EXPECT_EQ(echo["uri"], "/path?x=1");
  EXPECT_EQ(echoed_header_values(echo, "Host"), std::vector<std::string>{"abs.example"});
}

TEST_F(ForwardedHeadersTest, NamesTheBackendAsHostForAnHttp10RequestWithoutOne) {
  const nlohmann::json echo = echo_of("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_EQ(echoed_header_values(echo, "Host"),
            std::vector<std::string>{relay7::testing::loopback_address(backend_.port())});
  // relay7 speaks HTTP/1.1 upstream whatever the client spoke.
  EXPECT_EQ(echo["version"], "1.1");
}

TEST_F(ForwardedHeadersTest, RemovesHopByHopHeadersFromTheResponse) {
  ASSERT_TRUE(connection_.send_request(
      "GET",
      "/r?header=Keep-Alive:timeout%3D5&header=X-Hop:1&header=Connection:X-Hop"
      "&header=Proxy-Connection:keep-alive&header=X-Kept:yes"));
  const std::optional<HttpResponse> response = connection_.read_final_response();
  ASSERT_TRUE(response) << connection_.last_error();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->header("X-Kept"), "yes");
  for (const char* name : {"Keep-Alive", "X-Hop", "Connection", "Proxy-Connection"})
    EXPECT_FALSE(response->has_header(name)) << name << ": " << response->header(name);
  // The connection is still kept alive for the client.
  ASSERT_TRUE(connection_.send_request("GET", "/again"));
  const std::optional<HttpResponse> again = connection_.read_final_response();
  ASSERT_TRUE(again) << connection_.last_error();
  EXPECT_EQ(parse_echo(*again)["uri"], "/again");
}

}  // namespace
