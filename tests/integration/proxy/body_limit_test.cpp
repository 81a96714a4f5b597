// max_body_size: a declared length over the limit is refused before anything goes upstream; a
// chunked body that grows over it is cut off with a 413; a location can lift the server's limit.
#include <gtest/gtest.h>

#include "support/backend_json.h"
#include "support/demo_backend.h"
#include "support/http_connection.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;

class BodyLimitTest : public ::testing::Test {
 protected:
  BodyLimitTest() : relay_(config()) {}

  nlohmann::json config() const {
    nlohmann::json config = single_upstream_config({backend_.port()});
    config["servers"][0]["max_body_size"] = "1k";
    nlohmann::json unlimited = config["servers"][0]["locations"][0];
    unlimited["path"] = "/uploads";
    unlimited["max_body_size"] = "0";
    config["servers"][0]["locations"].push_back(unlimited);
    return config;
  }

  std::optional<HttpResponse> post(const std::string& target, const std::string& raw_body,
                                   const Headers& headers) {
    connection_ = HttpConnection();
    if (!connection_.connect(relay_.port())) {
      return std::nullopt;
    }
    connection_.set_timeout(5s);
    if (!connection_.send_request("POST", target, headers, raw_body)) {
      return std::nullopt;
    }
    return connection_.read_response();
  }

  DemoBackend backend_;
  Relay7Process relay_;
  HttpConnection connection_;
};

TEST_F(BodyLimitTest, ADeclaredLengthOverTheLimitNeverReachesTheBackend) {
  const auto response = post("/form", std::string(1025, 'x'), {});
  ASSERT_TRUE(response) << connection_.last_error();
  EXPECT_EQ(response->status, 413);
  EXPECT_TRUE(connection_.is_closed_by_peer(3s));
  EXPECT_TRUE(backend_.requests().empty());
}

TEST_F(BodyLimitTest, AChunkedBodyGrowingOverTheLimitIsCutOff) {
  const auto response = post("/stream", chunked_body(std::string(3000, 'y'), 500),
                             {{"Transfer-Encoding", "chunked"}});
  ASSERT_TRUE(response) << connection_.last_error();
  EXPECT_EQ(response->status, 413);
  EXPECT_TRUE(connection_.is_closed_by_peer(3s));
}

TEST_F(BodyLimitTest, BodiesWithinTheLimitAndUnderALiftedLimitPass) {
  auto response = post("/form", std::string(1024, 'x'), {});
  ASSERT_TRUE(response) << connection_.last_error();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(parse_echo(*response)["body_length"], 1024);

  response = post("/uploads/file", std::string(200000, 'z'), {});
  ASSERT_TRUE(response) << connection_.last_error();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(parse_echo(*response)["body_length"], 200000);
}

}  // namespace
}  // namespace relay7::testing
