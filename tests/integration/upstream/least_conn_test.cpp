// least_conn counts requests in flight across every worker of the instance, not per worker.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "support/backend_group.h"
#include "support/http_connection.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"
#include "support/tcp_sockets.h"

namespace {

using relay7::testing::BackendGroup;
using relay7::testing::HttpConnection;
using relay7::testing::HttpResponse;
using relay7::testing::Relay7Process;
using relay7::testing::tcp_sockets_of;
using relay7::testing::TcpSocket;

TEST(LeastConnTest, RequestsAvoidTheServerBusyInAnotherWorker) {
  BackendGroup backends(2);
  const Relay7Process relay(BackendGroup::config_with(
      {{"balance", "least_conn"}, {"servers", backends.server_list()}}, 2));

  // One slow request occupies a server, whichever worker took it, for longer than the quick
  // requests below can take; the client gives up on it once they are done.
  HttpConnection slow;
  ASSERT_TRUE(slow.connect(relay.port()));
  ASSERT_TRUE(slow.send_request("GET", "/slow?delay_ms=60000"));
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
  // must go to the idle server, which round robin per worker would not do. Which worker took a
  // connection is read from /proc: the one holding the socket whose peer is our port.
  const std::vector<pid_t> workers = relay.descendant_pids();
  ASSERT_EQ(workers.size(), 2u);
  std::map<pid_t, int> served_by_worker;
  for (int i = 0; i < 60 && (served_by_worker.size() < 2 ||
                             std::any_of(served_by_worker.begin(), served_by_worker.end(),
                                         [](const auto& entry) { return entry.second < 3; }));
       ++i) {
    HttpConnection quick;
    ASSERT_TRUE(quick.connect(relay.port()));
    ASSERT_TRUE(quick.send_request("GET", "/quick"));
    const std::optional<HttpResponse> response = quick.read_final_response();
    ASSERT_TRUE(response) << quick.last_error();
    ASSERT_EQ(response->status, 200);
    EXPECT_NE(backends.served_by(*response), busy) << "request " << i;
    for (pid_t worker : workers) {
      for (const TcpSocket& socket : tcp_sockets_of({worker})) {
        if (socket.remote_port == quick.local_port()) {
          ++served_by_worker[worker];
        }
      }
    }
  }
  EXPECT_EQ(served_by_worker.size(), 2u) << "one worker served every quick request: the test "
                                            "proves nothing about counting across workers";
  // The client resetting its connection ends the slow request's attempt in whichever worker held
  // it (a FIN alone would be a half-close, whose response relay7 still delivers).
  const linger reset{1, 0};
  ASSERT_EQ(::setsockopt(slow.fd(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset), 0);
  slow.close();

  // With nothing in flight, ties are broken in turn: both servers serve.
  EXPECT_TRUE(relay7::testing::eventually(
      [&] {
        std::set<size_t> used;
        for (int i = 0; i < 8; ++i) {
          used.insert(backends.served_by(relay7::testing::http_get(relay.port(), "/idle")));
        }
        return used.size() == 2;
      },
      std::chrono::seconds(10)));
}

}  // namespace
