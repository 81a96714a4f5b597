// Trailer fields (RFC 9110 section 6.5) pass between chunked HTTP/1.1 hops in both directions,
// never merged into the head, and are dropped where the next hop cannot carry them.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "support/backend_json.h"
#include "support/demo_backend.h"
#include "support/http_connection.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"
#include "support/temp_dir.h"

namespace relay7::testing {
namespace {

class TrailersTest : public ::testing::Test {
 protected:
  TrailersTest() : relay_(config()) {}

  nlohmann::json config() {
    nlohmann::json config = single_upstream_config({backend_.port()});
    config["access_log"] = {{"path", logs_.file("access.log").string()}};
    return config;
  }

  std::optional<HttpResponse> send(const std::string& raw) {
    return exchange_raw(relay_.port(), raw);
  }

  TempDir logs_;
  DemoBackend backend_;
  Relay7Process relay_;
};

TEST_F(TrailersTest, RequestTrailersReachTheBackendAsTrailers) {
  const std::optional<HttpResponse> response = send(
      "POST /t HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "3\r\nabc\r\n0\r\nX-Checksum: 900150983cd24fb0\r\nX-Other: two words\r\n\r\n");
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200);
  const nlohmann::json echo = parse_echo(*response);
  EXPECT_EQ(echo["body_length"], 3);
  EXPECT_EQ(
      echo["trailers"],
      nlohmann::json::parse(R"([["X-Checksum", "900150983cd24fb0"], ["X-Other", "two words"]])"))
      << echo.dump();
  EXPECT_EQ(echoed_header(echo, "X-Checksum"), "");
}

// Framing, routing and connection fields in a trailer section would be read by a careless next
// hop as the sender's; relay7 never passes them on.
TEST_F(TrailersTest, RoutingAndConnectionFieldsAreNotForwardedAsTrailers) {
  const std::optional<HttpResponse> response = send(
      "POST /t HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "3\r\nabc\r\n0\r\nHost: evil\r\nKeep-Alive: timeout=1\r\nTE: trailers\r\n"
      "Content-Length: 99\r\n"
      "Trailer: X-Kept\r\nUpgrade: h2c\r\nX-Kept: yes\r\n\r\n");
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200);
  EXPECT_EQ(parse_echo(*response)["trailers"], nlohmann::json::parse(R"([["X-Kept", "yes"]])"));
}

// llhttp refuses a Transfer-Encoding in a trailer section outright: the request never goes on.
TEST_F(TrailersTest, ATransferEncodingTrailerIsRefused) {
  const std::optional<HttpResponse> response = send(
      "POST /t HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n0\r\nTransfer-Encoding: chunked\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
}

TEST_F(TrailersTest, ResponseTrailersReachAnHttp11Client) {
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_.port()));
  ASSERT_TRUE(connection.send_request("GET", "/r?chunked=1&trailer=X-Checksum:abc&trailer=X-N:1"));
  const std::optional<HttpResponse> response = connection.read_final_response();
  ASSERT_TRUE(response) << connection.last_error();
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(response->chunked);
  const Headers expected = {{"X-Checksum", "abc"}, {"X-N", "1"}};
  EXPECT_EQ(response->trailers, expected);
  EXPECT_FALSE(response->has_header("X-Checksum")) << "a trailer must not become a header";
  // The connection goes on: the trailer section was framed exactly.
  ASSERT_TRUE(connection.send_request("GET", "/next"));
  const std::optional<HttpResponse> next = connection.read_final_response();
  ASSERT_TRUE(next) << connection.last_error();
  EXPECT_EQ(parse_echo(*next)["uri"], "/next");
}

// The backend's connection is not kept: its trailers must still reach the client intact (they
// belong to that connection's parser, which goes with it).
TEST_F(TrailersTest, ResponseTrailersOfAConnectionThatCloses) {
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_.port()));
  ASSERT_TRUE(connection.send_request(
      "GET", "/r?chunked=1&trailer=X-Checksum:abc&header=Connection:close"));
  const std::optional<HttpResponse> response = connection.read_final_response();
  ASSERT_TRUE(response) << connection.last_error();
  EXPECT_EQ(response->status, 200);
  const Headers expected = {{"X-Checksum", "abc"}};
  EXPECT_EQ(response->trailers, expected);
}

// An HTTP/1.0 client's body ends with the connection, which has no place for trailers.
TEST_F(TrailersTest, ResponseTrailersAreDroppedForAnHttp10Client) {
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_.port()));
  ASSERT_TRUE(connection.send_raw("GET /r?chunked=1&trailer=X-Checksum:abc HTTP/1.0\r\n\r\n"));
  const std::optional<HttpResponse> response = connection.read_response();
  ASSERT_TRUE(response) << connection.last_error();
  EXPECT_EQ(response->status, 200);
  EXPECT_FALSE(response->chunked);
  // The body is exactly the backend's JSON: no trailer bytes after it.
  const nlohmann::json echo = parse_echo(*response);
  ASSERT_FALSE(echo.is_discarded()) << response->body;
  EXPECT_EQ(echo["uri"], "/r?chunked=1&trailer=X-Checksum:abc");
}

TEST_F(TrailersTest, TheAccessLogNeverTakesAFieldFromTheTrailers) {
  const std::optional<HttpResponse> response = send(
      "POST /logged HTTP/1.1\r\nHost: h\r\nUser-Agent: head-agent\r\n"
      "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "1\r\nx\r\n0\r\nUser-Agent: trailer-agent\r\nReferer: http://trailer.example/\r\n\r\n");
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200);
  std::string line;
  ASSERT_TRUE(eventually(
      [&] {
        line = read_file(logs_.file("access.log"));
        return line.find("/logged") != std::string::npos;
      },
      std::chrono::seconds(5)));
  EXPECT_NE(line.find("\"-\" \"head-agent\""), std::string::npos) << line;
  EXPECT_EQ(line.find("trailer"), std::string::npos) << line;
}

}  // namespace
}  // namespace relay7::testing
