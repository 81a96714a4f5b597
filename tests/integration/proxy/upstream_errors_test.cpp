// What a client gets when the backend fails: 502 for a refused connection, an invalid response
// or a dropped connection, 504 for a backend slower than upstream_read; relay7 survives all of
// them, and a request that meets a dead pooled connection is replayed once on a new one.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "support/backend_json.h"
#include "support/demo_backend.h"
#include "support/http_connection.h"
#include "support/ports.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"

namespace {

using relay7::testing::DemoBackend;
using relay7::testing::HttpConnection;
using relay7::testing::HttpResponse;
using relay7::testing::parse_echo;
using relay7::testing::Relay7Process;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kUpstreamRead{300};

long long elapsed_ms(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

nlohmann::json config_with_short_read_timeout(uint16_t backend_port) {
  nlohmann::json config = relay7::testing::single_upstream_config({backend_port});
  config["timeouts"]["upstream_read"] = std::to_string(kUpstreamRead.count()) + "ms";
  return config;
}

class UpstreamErrorsTest : public ::testing::Test {
 protected:
  UpstreamErrorsTest() : relay_(config_with_short_read_timeout(backend_.port())) {}

  void SetUp() override {
    ASSERT_TRUE(connection_.connect(relay_.port())) << connection_.last_error();
  }

  HttpResponse exchange(const std::string& target) {
    EXPECT_TRUE(connection_.send_request("GET", target)) << connection_.last_error();
    std::optional<HttpResponse> response = connection_.read_final_response();
    EXPECT_TRUE(response) << target << ": " << connection_.last_error();
    return response.value_or(HttpResponse{});
  }

  // relay7 itself is fine and the client connection it answered on is still usable.
  void expect_still_serving() {
    const HttpResponse next = exchange("/next");
    EXPECT_EQ(next.status, 200);
    EXPECT_EQ(parse_echo(next)["uri"], "/next");
    EXPECT_EQ(connection_.buffered_size(), 0u);
  }

  DemoBackend backend_;
  Relay7Process relay_;
  HttpConnection connection_;
};

TEST_F(UpstreamErrorsTest, AnswersBadGatewayToAnInvalidResponse) {
  const HttpResponse response = exchange("/bad?garbage=1");
  EXPECT_EQ(response.status, 502);
  EXPECT_EQ(response.reason, "Bad Gateway");
  expect_still_serving();
}

// Chunked applied twice, or a transfer coding relay7 would have to decode: the body cannot be
// passed on as what the backend meant, so the response is a 502 with a log line saying why.
TEST_F(UpstreamErrorsTest, AnswersBadGatewayToFramingItCannotReadUnambiguously) {
  for (const char* target : {"/twice?chunked=1&header=Transfer-Encoding:chunked",
                             "/coded?chunked=1&header=Transfer-Encoding:gzip"}) {
    const HttpResponse response = exchange(target);
    EXPECT_EQ(response.status, 502) << target;
    expect_still_serving();
  }
  EXPECT_TRUE(relay7::testing::eventually(
      [&] {
        return relay_.stderr_text().find(
                   "sent an invalid response: Transfer-Encoding other than "
                   "a single \"chunked\"") != std::string::npos;
      },
      std::chrono::seconds(5)))
      << relay_.stderr_text();
}

TEST_F(UpstreamErrorsTest, AnswersBadGatewayWhenAFreshConnectionDrops) {
  const HttpResponse response = exchange("/gone?drop=1");
  EXPECT_EQ(response.status, 502);
  // A new connection failing is not retried: the backend saw the request exactly once.
  EXPECT_EQ(backend_.requests(), std::vector<std::string>{"/gone?drop=1"});
  expect_still_serving();
}

TEST_F(UpstreamErrorsTest, ReplaysOnceWhenAPooledConnectionDrops) {
  ASSERT_EQ(exchange("/warm").status, 200);  // leaves one pooled connection
  const HttpResponse response = exchange("/gone?drop=1");
  EXPECT_EQ(response.status, 502);
  // The drop on the pooled connection looks like a backend's idle close, so relay7 replays the
  // request once on a new connection; the second drop is final.
  EXPECT_EQ(backend_.requests(),
            (std::vector<std::string>{"/warm", "/gone?drop=1", "/gone?drop=1"}));
}

TEST_F(UpstreamErrorsTest, SurvivesABackendRestartBetweenRequests) {
  ASSERT_EQ(exchange("/before").status, 200);  // leaves a pooled connection to the old process
  const uint16_t port = backend_.port();
  backend_.process().stop();
  DemoBackend restarted(port);
  const HttpResponse response = exchange("/after-restart");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(restarted.requests(), std::vector<std::string>{"/after-restart"});
}

TEST_F(UpstreamErrorsTest, AnswersGatewayTimeoutToASlowBackend) {
  const auto start = Clock::now();
  const HttpResponse response = exchange("/slow?delay_ms=2000");
  const long long took = elapsed_ms(start);
  EXPECT_EQ(response.status, 504);
  EXPECT_EQ(response.reason, "Gateway Timeout");
  EXPECT_GE(took, kUpstreamRead.count() - 50);
  EXPECT_LT(took, 2000) << "relay7 waited for the backend instead of timing out";
  expect_still_serving();
}

TEST_F(UpstreamErrorsTest, WaitsForABackendWithinTheReadTimeout) {
  const HttpResponse response = exchange("/fast-enough?delay_ms=100");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(parse_echo(response)["uri"], "/fast-enough?delay_ms=100");
}

TEST(UpstreamRefusedTest, AnswersBadGatewayWhenTheBackendRefuses) {
  // A port that was free a moment ago and that nothing here listens on.
  const uint16_t closed_port = relay7::testing::free_port();
  Relay7Process relay(relay7::testing::single_upstream_config({closed_port}));
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay.port())) << connection.last_error();
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(connection.send_request("GET", "/refused"));
    const std::optional<HttpResponse> response = connection.read_final_response();
    ASSERT_TRUE(response) << connection.last_error();
    EXPECT_EQ(response->status, 502);
    EXPECT_EQ(response->reason, "Bad Gateway");
  }
  EXPECT_FALSE(connection.is_closed_by_peer(milliseconds(200)));
}

}  // namespace
