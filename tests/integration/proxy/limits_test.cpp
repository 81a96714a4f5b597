// The "limits" section: each bound is the configured one, exact at its edge, and a request over a
// bound never reaches the backend; a backend's oversized response head is a 502.
#include <gtest/gtest.h>

#include <string>

#include "support/demo_backend.h"
#include "support/http_connection.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;

class LimitsTest : public ::testing::Test {
 protected:
  static nlohmann::json limited_config(uint16_t backend_port) {
    nlohmann::json config = single_upstream_config({backend_port});
    config["limits"] = {{"request_target", "256"},
                        {"request_head", "1k"},
                        {"request_headers", 8},
                        {"response_head", "1k"}};
    return config;
  }

  // The status relay7 answers `head` with, or 0 when it gave no response.
  int status_for(const std::string& head) {
    HttpConnection connection;
    if (!connection.connect(relay_.port())) {
      return 0;
    }
    connection.set_timeout(5s);
    if (!connection.send_raw(head)) {
      return 0;
    }
    const auto response = connection.read_response();
    return response ? response->status : 0;
  }

  static std::string get_with_target(size_t length) {
    std::string target = "/t";
    target.append(length - target.size(), 'a');
    return "GET " + target + " HTTP/1.1\r\nHost: test\r\n\r\n";
  }

  static std::string get_with_headers(int count) {
    std::string head = "GET /h HTTP/1.1\r\nHost: test\r\n";
    for (int i = 1; i < count; ++i) {
      head += "X-" + std::to_string(i) + ": v\r\n";
    }
    return head + "\r\n";
  }

  // request_head counts the target and every header name and value: here "/s", "Host",
  // "test", "X-Fill" and `size - 16` bytes of value.
  static std::string get_with_head_size(size_t size) {
    return "GET /s HTTP/1.1\r\nHost: test\r\nX-Fill: " + std::string(size - 16, 'f') + "\r\n\r\n";
  }

  DemoBackend backend_;
  Relay7Process relay_{limited_config(backend_.port())};
};

TEST_F(LimitsTest, RequestTargetUpToTheLimitPassesOneByteMoreIs414) {
  EXPECT_EQ(status_for(get_with_target(256)), 200);
  backend_.reset();
  EXPECT_EQ(status_for(get_with_target(257)), 414);
  EXPECT_TRUE(backend_.requests().empty());
}

TEST_F(LimitsTest, HeaderCountUpToTheLimitPassesOneMoreIs431) {
  EXPECT_EQ(status_for(get_with_headers(8)), 200);
  backend_.reset();
  EXPECT_EQ(status_for(get_with_headers(9)), 431);
  EXPECT_TRUE(backend_.requests().empty());
}

TEST_F(LimitsTest, HeadSizeUpToTheLimitPassesOneByteMoreIs431) {
  EXPECT_EQ(status_for(get_with_head_size(1024)), 200);
  backend_.reset();
  EXPECT_EQ(status_for(get_with_head_size(1025)), 431);
  EXPECT_TRUE(backend_.requests().empty());
}

// A relay of its own: the fixture's request limits would refuse the long query that makes the
// demo backend send a long header.
TEST(ResponseLimitsTest, AResponseHeadOverTheLimitIs502) {
  DemoBackend backend;
  nlohmann::json config = single_upstream_config({backend.port()});
  config["limits"] = {{"response_head", "1k"}};
  Relay7Process relay(config);
  const std::string small = "/r?header=X-Fill:" + std::string(200, 'f');
  EXPECT_EQ(http_get(relay.port(), small).status, 200);
  const std::string large = "/r?header=X-Fill:" + std::string(1100, 'f');
  EXPECT_EQ(http_get(relay.port(), large).status, 502);
  EXPECT_EQ(http_get(relay.port(), "/after").status, 200) << "the worker serves on";
}

}  // namespace
}  // namespace relay7::testing
