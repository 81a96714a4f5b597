// Retries to the next server: when they happen (nothing sent yet, or an idempotent request) and
// when they must not (a POST whose bytes reached a server that then failed).
#include <gtest/gtest.h>

#include <string>

#include "support/backend_group.h"
#include "support/backend_json.h"
#include "support/http_connection.h"
#include "support/relay7_process.h"

namespace {

using relay7::testing::BackendGroup;
using relay7::testing::HttpConnection;
using relay7::testing::HttpResponse;
using relay7::testing::Relay7Process;

constexpr size_t kPrimary = 0;
constexpr size_t kBackup = 1;

// b0 takes every first attempt; b1, a backup, only gets the retries. Passive health is off so
// that a failure of b0 does not take it out for the next test step.
nlohmann::json retry_upstream(const BackendGroup& backends) {
  return {
      {"max_fails", 0},
      {"servers",
       {backends.address(kPrimary), {{"address", backends.address(kBackup)}, {"backup", true}}}}};
}

HttpResponse send(uint16_t port, const std::string& method, const std::string& target,
                  const std::string& body = "") {
  HttpConnection connection;
  if (!connection.connect(port)) {
    return HttpResponse{};
  }
  connection.send_request(method, target, {{"Connection", "close"}}, body);
  return connection.read_final_response().value_or(HttpResponse{});
}

size_t count_requests(relay7::testing::DemoBackend& backend, const std::string& uri) {
  size_t count = 0;
  for (const std::string& seen : backend.requests()) {
    count += seen == uri ? 1 : 0;
  }
  return count;
}

class RetryTest : public ::testing::Test {
 protected:
  RetryTest() : relay_(BackendGroup::config_with(retry_upstream(backends_))) {}

  BackendGroup backends_{2};
  Relay7Process relay_;
};

TEST_F(RetryTest, GetDroppedAfterItWasSentGoesToTheNextServer) {
  const std::string uri = "/page?drop=1&only=b0";
  const HttpResponse response = send(relay_.port(), "GET", uri);
  EXPECT_EQ(response.status, 200) << response.reason;
  EXPECT_EQ(backends_.served_by(response), kBackup);
  EXPECT_EQ(count_requests(backends_[kPrimary], uri), 1u) << "b0 must have seen the request";
}

TEST_F(RetryTest, PostDroppedAfterItWasSentIsNotRetried) {
  const std::string uri = "/order?drop=1&only=b0";
  const HttpResponse response = send(relay_.port(), "POST", uri, "{\"item\": 1}");
  EXPECT_EQ(response.status, 502);
  EXPECT_EQ(count_requests(backends_[kPrimary], uri), 1u);
  EXPECT_EQ(count_requests(backends_[kBackup], uri), 0u) << "a POST was sent twice";
}

TEST_F(RetryTest, PostIsRetriedWhenNothingReachedTheServer) {
  backends_.kill(kPrimary);  // connection refused: no byte of the request was sent
  const HttpResponse response = send(relay_.port(), "POST", "/order", "{\"item\": 2}");
  EXPECT_EQ(response.status, 200) << response.reason;
  EXPECT_EQ(backends_.served_by(response), kBackup);
}

TEST_F(RetryTest, TheResponseGoesThroughWhenTheStatusIsNotConfiguredAsAFailure) {
  const HttpResponse response = send(relay_.port(), "GET", "/x?status=503&only=b0");
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(backends_.served_by(response), kPrimary);
}

TEST(RetryPolicyTest, ConfiguredStatusIsRetriedForGetButNotForPost) {
  BackendGroup backends(2);
  nlohmann::json upstream = retry_upstream(backends);
  upstream["fail_on_status"] = {502, 503};
  const Relay7Process relay(BackendGroup::config_with(upstream));
  const HttpResponse get = send(relay.port(), "GET", "/x?status=503&only=b0");
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(backends.served_by(get), kBackup);
  // Not retried: the 503 itself goes to the client.
  const HttpResponse post = send(relay.port(), "POST", "/x?status=503&only=b0", "data");
  EXPECT_EQ(post.status, 503);
  EXPECT_EQ(backends.served_by(post), kPrimary);
}

TEST(RetryPolicyTest, LocationMayAllowRetryingNonIdempotentRequests) {
  BackendGroup backends(2);
  nlohmann::json config = BackendGroup::config_with(retry_upstream(backends));
  config["servers"][0]["locations"][0]["retry_non_idempotent"] = true;
  const Relay7Process relay(config);
  const std::string uri = "/order?drop=1&only=b0";
  const HttpResponse response = send(relay.port(), "POST", uri, "payload");
  EXPECT_EQ(response.status, 200) << response.reason;
  EXPECT_EQ(backends.served_by(response), kBackup);
  EXPECT_EQ(count_requests(backends[kBackup], uri), 1u);
}

TEST(RetryPolicyTest, NextUpstreamTriesBoundsTheAttempts) {
  BackendGroup backends(2);
  nlohmann::json upstream = retry_upstream(backends);
  upstream["next_upstream_tries"] = 1;
  const Relay7Process relay(BackendGroup::config_with(upstream));
  const std::string uri = "/page?drop=1&only=b0";
  EXPECT_EQ(send(relay.port(), "GET", uri).status, 502);
  EXPECT_EQ(count_requests(backends[kBackup], uri), 0u);
}

TEST(RetryPolicyTest, TimeoutsAreRetriedAndAnsweredWith504WhenEveryServerTimesOut) {
  BackendGroup backends(2);
  nlohmann::json config = BackendGroup::config_with(retry_upstream(backends));
  config["timeouts"]["upstream_read"] = "300ms";
  const Relay7Process relay(config);
  const HttpResponse one_slow = send(relay.port(), "GET", "/slow?delay_ms=3000&only=b0");
  EXPECT_EQ(one_slow.status, 200);
  EXPECT_EQ(backends.served_by(one_slow), kBackup);
  EXPECT_EQ(send(relay.port(), "GET", "/slow?delay_ms=3000").status, 504);
}

TEST(RetryPolicyTest, BodyIsReplayedToTheNextServer) {
  BackendGroup backends(2);
  const Relay7Process relay(BackendGroup::config_with(retry_upstream(backends)));
  const std::string body(20000, 'z');
  const HttpResponse response = send(relay.port(), "PUT", "/doc?drop=1&only=b0", body);
  ASSERT_EQ(response.status, 200) << response.reason;
  EXPECT_EQ(backends.served_by(response), kBackup);
  EXPECT_NE(response.body.find("\"body_length\":20000"), std::string::npos) << response.body;
}

// Issue 13: the hash key of a request used to be a view into its headers, where trailer fields
// were appended later; the vector moved and the retry hashed freed memory (AddressSanitizer:
// heap-use-after-free in stable_hash from HashBalancer::pick). The retry must hash the same key
// and the backend must get the body and every trailer.
TEST(RetryPolicyTest, AHashKeyOutlivesTheTrailersOfARetriedRequest) {
  BackendGroup backends(2);
  const nlohmann::json upstream = {{"balance", "hash"},
                                   {"hash_key", "$http_x_user"},
                                   {"max_fails", 0},
                                   {"next_upstream_tries", 2},
                                   {"servers", backends.server_list()}};
  const Relay7Process relay(BackendGroup::config_with(upstream));
  const HttpResponse probe = relay7::testing::http_get(relay.port(), "/whoami", {{"X-User", "u7"}});
  ASSERT_EQ(probe.status, 200);
  const size_t first = backends.served_by(probe);
  ASSERT_LT(first, backends.size());

  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay.port()));
  ASSERT_TRUE(connection.send_raw(
      "PUT /doc?drop=1&only=" + BackendGroup::name(first) +
      " HTTP/1.1\r\nHost: h\r\nX-User: u7\r\nTransfer-Encoding: chunked\r\n"
      "Connection: close\r\n\r\n5\r\nhello\r\n0\r\nT1: a\r\nT2: b\r\nT3: c\r\nT4: d\r\n"
      "T5: e\r\n\r\n"));
  const std::optional<HttpResponse> response = connection.read_final_response();
  ASSERT_TRUE(response) << connection.last_error();
  ASSERT_EQ(response->status, 200) << response->reason;
  EXPECT_EQ(backends.served_by(*response), 1 - first) << "the retry went to the other server";
  const nlohmann::json echo = relay7::testing::parse_echo(*response);
  EXPECT_EQ(echo["body_length"], 5);
  EXPECT_EQ(echo["trailers"].size(), 5u) << echo.dump();
}

}  // namespace
