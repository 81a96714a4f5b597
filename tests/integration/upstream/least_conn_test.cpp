// least_conn counts requests in flight across every worker of the instance, not per worker.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <set>
#include <string>

#include "support/backend_group.h"
#include "support/http_connection.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"

namespace {

using relay7::testing::BackendGroup;
using relay7::testing::HttpConnection;
using relay7::testing::HttpResponse;
using relay7::testing::Relay7Process;

TEST(LeastConnTest, RequestsAvoidTheServerBusyInAnotherWorker) {
  BackendGroup backends(2);
  const Relay7Process relay(BackendGroup::config_with(
      {{"balance", "least_conn"}, {"servers", backends.server_list()}}, 2));

  // One slow request occupies a server, whichever worker took it.
  HttpConnection slow;
  ASSERT_TRUE(slow.connect(relay.port()));
  ASSERT_TRUE(slow.send_request("GET", "/slow?delay_ms=4000"));
  size_t busy = backends.size();
  ASSERT_TRUE(relay7::testing::eventually(
      [&] {
        for (size_t i = 0; i < backends.size(); ++i) {
          for (const std::string& uri : backends[i].requests()) {
            if (uri.starts_with("/slow")) {
              busy = i;
              return true;
            }
          }
        }
        return false;
      },
      std::chrono::seconds(5)));

  // Each quick request comes on a new connection, so both workers take some of them; every one
  // must go to the idle server, which round robin per worker would not do.
  for (int i = 0; i < 12; ++i) {
    const HttpResponse response = relay7::testing::http_get(relay.port(), "/quick");
    ASSERT_EQ(response.status, 200);
    EXPECT_NE(backends.served_by(response), busy) << "request " << i;
  }
  const auto answer = slow.read_final_response();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 200);

  // With nothing in flight, ties are broken in turn: both servers serve.
  std::set<size_t> used;
  for (int i = 0; i < 8; ++i) {
    used.insert(backends.served_by(relay7::testing::http_get(relay.port(), "/idle")));
  }
  EXPECT_EQ(used.size(), 2u);
}

}  // namespace
