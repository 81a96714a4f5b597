// etc/examples/round-robin.json against four real backends: requests rotate over the servers
// in the order they are listed, one each in turn.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/backend_json.h"
#include "support/example_backends.h"
#include "support/http_connection.h"
#include "support/relay7_process.h"

namespace {

using relay7::testing::ExampleBackends;
using relay7::testing::HttpConnection;
using relay7::testing::HttpResponse;
using relay7::testing::parse_echo;
using relay7::testing::Relay7Process;

constexpr int kRounds = 5;  // N: each backend should get exactly this many of 4N requests

nlohmann::json round_robin_config(const ExampleBackends& backends) {
  nlohmann::json config = backends.rewrite(relay7::testing::load_example("round-robin.json"));
  // Each worker balances on its own; the exact rotation is only observable through one.
  config["workers"] = 1;
  return config;
}

// The backend port that answered, or 0 if the answer was not a 200 echo.
int answering_port(const HttpResponse& response) {
  const nlohmann::json echo = parse_echo(response);
  if (response.status != 200 || echo.is_discarded() || !echo["port"].is_number())
    return 0;
  return echo["port"].get<int>();
}

class RoundRobinExampleTest : public ::testing::Test {
 protected:
  RoundRobinExampleTest() : relay_(round_robin_config(backends_)) {}

  // Port i % 4 for request i: the rotation in config order.
  std::vector<int> expected_rotation(int count) const {
    std::vector<int> ports;
    for (int i = 0; i < count; ++i)
      ports.push_back(backends_.ports()[static_cast<size_t>(i) % ExampleBackends::kCount]);
    return ports;
  }

  ExampleBackends backends_;
  Relay7Process relay_;
};

TEST_F(RoundRobinExampleTest, RotatesOverTheServersInOrder) {
  const int count = 4 * kRounds;
  std::vector<int> ports;
  for (int i = 0; i < count; ++i) {
    const HttpResponse response =
        relay7::testing::http_get(relay_.port(), "/rr/" + std::to_string(i));
    ASSERT_EQ(response.status, 200) << response.reason << "\n" << relay_.stderr_text();
    ports.push_back(answering_port(response));
  }
  EXPECT_EQ(ports, expected_rotation(count));
  // Each backend saw exactly its share, with the URI unchanged ("/" replaced by "/").
  for (size_t b = 0; b < ExampleBackends::kCount; ++b) {
    std::vector<std::string> expected;
    for (int i = static_cast<int>(b); i < count; i += 4)
      expected.push_back("/rr/" + std::to_string(i));
    EXPECT_EQ(backends_[b].requests(), expected) << "backend " << b;
  }
}

TEST_F(RoundRobinExampleTest, RotatesPerRequestNotPerClientConnection) {
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_.port())) << connection.last_error();
  const int count = 2 * 4;
  std::vector<int> ports;
  for (int i = 0; i < count; ++i) {
    ASSERT_TRUE(connection.send_request("GET", "/same-connection")) << connection.last_error();
    const std::optional<HttpResponse> response = connection.read_final_response();
    ASSERT_TRUE(response) << connection.last_error();
    ports.push_back(answering_port(*response));
  }
  EXPECT_EQ(ports, expected_rotation(count));
}

}  // namespace
