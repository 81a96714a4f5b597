// A worker at worker_connections leaves new connections in the backlog instead of accepting
// what it cannot serve, and takes them as soon as a connection closes.
#include <gtest/gtest.h>

#include "support/demo_backend.h"
#include "support/http_connection.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;

TEST(WorkerConnectionsTest, ConnectionsBeyondTheLimitWaitAndAreServedLater) {
  DemoBackend backend;
  nlohmann::json config = single_upstream_config({backend.port()});
  config["worker_connections"] = 2;
  Relay7Process relay(config);

  std::vector<HttpConnection> held(2);
  for (HttpConnection& connection : held) {
    ASSERT_TRUE(connection.connect(relay.port()));
    ASSERT_TRUE(connection.send_request("GET", "/held"));
    const auto response = connection.read_response();
    ASSERT_TRUE(response && response->status == 200) << connection.last_error();
  }

  HttpConnection waiting;
  ASSERT_TRUE(waiting.connect(relay.port()));  // completes in the kernel's backlog
  ASSERT_TRUE(waiting.send_request("GET", "/waiting"));
  waiting.set_timeout(500ms);
  EXPECT_FALSE(waiting.read_response()) << "served beyond worker_connections";
  EXPECT_EQ(backend.requests(), (std::vector<std::string>{"/held", "/held"}));

  held[0].close();
  waiting.set_timeout(5s);
  const auto response = waiting.read_response();
  ASSERT_TRUE(response) << waiting.last_error();
  EXPECT_EQ(response->status, 200);
}

}  // namespace
}  // namespace relay7::testing
