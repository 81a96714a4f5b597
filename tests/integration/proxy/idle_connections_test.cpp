// Idle client connections: after a short wait a keep-alive connection is parked as a bare socket
// (src/proxy/parked_connection.cpp) and rebuilt on its next byte. What the client sees must not
// change: the next requests are served, the keep-alive timeout still counts from the response,
// and a draining worker still closes the connection and exits. The waits between requests here
// are the idle periods under test, far longer than the park delay (50 ms).
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/backend_json.h"
#include "support/demo_backend.h"
#include "support/http_connection.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kParkedIdle = 300ms;  // several times the park delay

nlohmann::json config_with_keepalive(uint16_t backend_port, const std::string& keepalive) {
  nlohmann::json config = single_upstream_config({backend_port});
  config["timeouts"]["keepalive"] = keepalive;
  // Parking and unparking are logged at debug level: the tests see that they happened.
  config["error_log"] = {{"level", "debug"}};
  return config;
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

void expect_served(HttpConnection& connection, const std::string& target) {
  ASSERT_TRUE(connection.send_request("GET", target)) << connection.last_error();
  const std::optional<HttpResponse> response = connection.read_final_response();
  ASSERT_TRUE(response) << target << ": " << connection.last_error();
  EXPECT_EQ(response->status, 200) << target;
  EXPECT_EQ(parse_echo(*response).value("uri", ""), target);
}

class IdleConnectionsTest : public ::testing::Test {
 protected:
  DemoBackend backend_;
  Relay7Process relay_{config_with_keepalive(backend_.port(), "2s")};
};

TEST_F(IdleConnectionsTest, AParkedConnectionServesItsNextRequests) {
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_.port()));
  expect_served(connection, "/first");
  for (int round = 0; round < 3; ++round) {
    std::this_thread::sleep_for(kParkedIdle);
    expect_served(connection, "/after-idle-" + std::to_string(round));
  }
  EXPECT_EQ(connection.buffered_size(), 0u);
  // Each idle period parked the connection and its next request woke it: the requests above
  // were served by rebuilt connections, not by one that never parked.
  EXPECT_TRUE(eventually(
      [&] { return count_of(relay_.stderr_text(), "client 127.0.0.1 unparked") >= 3; }, 5s))
      << relay_.stderr_text();
  EXPECT_GE(count_of(relay_.stderr_text(), "client 127.0.0.1 parked after"), 3u);
}

TEST_F(IdleConnectionsTest, PipelinedRequestsAfterAnIdlePeriodAreAnsweredInOrder) {
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_.port()));
  expect_served(connection, "/first");
  std::this_thread::sleep_for(kParkedIdle);
  ASSERT_TRUE(connection.send_raw(format_request("GET", "/one") + format_request("GET", "/two") +
                                  format_request("GET", "/three")));
  for (const std::string target : {"/one", "/two", "/three"}) {
    const std::optional<HttpResponse> response = connection.read_final_response();
    ASSERT_TRUE(response) << target << ": " << connection.last_error();
    EXPECT_EQ(parse_echo(*response).value("uri", ""), target);
  }
}

// A request split across the moment of unparking: its first bytes wake the connection, the rest
// arrives later and must still join them.
TEST_F(IdleConnectionsTest, ARequestTricklingIntoAParkedConnectionIsServed) {
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_.port()));
  expect_served(connection, "/first");
  std::this_thread::sleep_for(kParkedIdle);
  const std::string request = format_request("GET", "/split");
  ASSERT_TRUE(connection.send_raw(request.substr(0, 5)));
  std::this_thread::sleep_for(kParkedIdle);
  ASSERT_TRUE(connection.send_raw(request.substr(5)));
  const std::optional<HttpResponse> response = connection.read_final_response();
  ASSERT_TRUE(response) << connection.last_error();
  EXPECT_EQ(parse_echo(*response).value("uri", ""), "/split");
}

// The keep-alive timeout runs from the response, parked or not: neither the park delay nor the
// rebuild may shorten or restart it.
TEST_F(IdleConnectionsTest, TheKeepaliveTimeoutStillCountsFromTheResponse) {
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_.port()));
  expect_served(connection, "/first");
  const auto idle_since = Clock::now();
  EXPECT_FALSE(connection.is_closed_by_peer(1s)) << "closed before the 2 s keep-alive timeout";
  EXPECT_TRUE(connection.is_closed_by_peer(10s)) << "never closed";
  const auto idle =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - idle_since);
  EXPECT_GE(idle.count(), 1950);
  EXPECT_EQ(connection.buffered_size(), 0u);
}

TEST_F(IdleConnectionsTest, AClientClosingAParkedConnectionLeavesNothingBehind) {
  const std::vector<pid_t> workers = relay_.descendant_pids();
  ASSERT_EQ(workers.size(), 1u);
  // Counted with one client connected, so the pooled upstream connection is in the count.
  std::optional<HttpConnection> first(std::in_place);
  ASSERT_TRUE(first->connect(relay_.port()));
  expect_served(*first, "/first");
  const size_t with_one_client = open_descriptor_count(workers[0]);
  {
    std::vector<HttpConnection> connections(20);
    for (HttpConnection& connection : connections) {
      ASSERT_TRUE(connection.connect(relay_.port()));
      expect_served(connection, "/then-close");
    }
    std::this_thread::sleep_for(kParkedIdle);
  }
  first.reset();
  EXPECT_TRUE(eventually([&] { return open_descriptor_count(workers[0]) < with_one_client; }, 5s))
      << open_descriptor_count(workers[0]) << " descriptors, " << with_one_client
      << " with one client";
  HttpConnection fresh;
  ASSERT_TRUE(fresh.connect(relay_.port()));
  expect_served(fresh, "/still-serving");
}

// A reload drains the old worker: its parked connections are closed after a short grace and it
// exits, well before the keep-alive timeout (60 s here) would have ended them.
TEST(IdleConnectionsDrainTest, AReloadClosesParkedConnectionsAndTheOldWorkerExits) {
  DemoBackend backend;
  Relay7Process relay(config_with_keepalive(backend.port(), "60s"));
  const std::vector<pid_t> old_workers = relay.descendant_pids();
  ASSERT_EQ(old_workers.size(), 1u);
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay.port()));
  expect_served(connection, "/before-reload");
  std::this_thread::sleep_for(kParkedIdle);

  relay.reload_with(relay.config());
  ASSERT_TRUE(wait_for_reloads(relay, 1, 15s)) << relay.stderr_text();
  EXPECT_TRUE(connection.is_closed_by_peer(10s)) << "the parked connection was kept open";
  EXPECT_TRUE(eventually(
      [&] {
        const std::vector<pid_t> now = relay.descendant_pids();
        return std::find(now.begin(), now.end(), old_workers[0]) == now.end();
      },
      10s))
      << "the old worker did not exit";
  HttpConnection fresh;
  ASSERT_TRUE(fresh.connect(relay.port()));
  expect_served(fresh, "/after-reload");
}

// What parking is for. A connection with its buffers, parser and bufferevent costs about 2.5 KiB
// of the worker's memory; a parked one about 0.4 KiB. The bound sits between the two, far from
// both, so allocator noise cannot decide the outcome.
class ManyIdleConnectionsTest : public ::testing::Test {
 protected:
  static constexpr size_t kConnections = 2000;
  static constexpr uint64_t kMaxBytesPerConnection = 1536;

  // relay7 inherits the limit, so this runs before it starts.
  static bool raise_descriptor_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
      return false;
    }
    const rlim_t wanted = 2 * kConnections + 512;
    if (limit.rlim_cur >= wanted) {
      return true;
    }
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < wanted) {
      return false;
    }
    limit.rlim_cur = wanted;
    return setrlimit(RLIMIT_NOFILE, &limit) == 0;
  }

  bool limit_raised_ = raise_descriptor_limit();
  DemoBackend backend_;
  Relay7Process relay_{config_with_keepalive(backend_.port(), "60s")};
};

TEST_F(ManyIdleConnectionsTest, IdleKeepAliveConnectionsCostLittleMemory) {
  ASSERT_TRUE(limit_raised_) << "cannot raise the open file limit to " << 2 * kConnections + 512;
  const std::vector<pid_t> workers = relay_.descendant_pids();
  ASSERT_EQ(workers.size(), 1u);
  HttpConnection warm_up;
  ASSERT_TRUE(warm_up.connect(relay_.port()));
  expect_served(warm_up, "/warm-up");
  const std::optional<uint64_t> before = rss_bytes(workers[0]);
  ASSERT_TRUE(before);

  std::vector<HttpConnection> connections(kConnections);
  for (HttpConnection& connection : connections) {
    ASSERT_TRUE(connection.connect(relay_.port())) << connection.last_error();
    ASSERT_TRUE(connection.send_request("GET", "/idle")) << connection.last_error();
    const std::optional<HttpResponse> response = connection.read_final_response();
    ASSERT_TRUE(response) << connection.last_error();
    ASSERT_EQ(response->status, 200);
  }
  // The worker parks the last ones, then trims its heap (HeapTrimmer: once for the burst, once
  // more a second later): wait for that, on a loaded machine too, rather than read once.
  uint64_t grown = 0;
  const auto settled = [&] {
    const std::optional<uint64_t> after = rss_bytes(workers[0]);
    grown = after && *after > *before ? *after - *before : 0;
    return after.has_value() && grown / kConnections < kMaxBytesPerConnection;
  };
#ifdef __SANITIZE_ADDRESS__
  // AddressSanitizer keeps freed blocks in quarantine (16 MiB, set by the Makefile) instead of
  // reusing them, so every connection's freed full state stays resident: the bound means
  // nothing there. The connections are still parked and used below, under its checks.
  static_cast<void>(settled);
#else
  EXPECT_TRUE(eventually(settled, 5s))
      << "the worker grew by " << grown / 1024 << " KiB for " << kConnections << " connections";
#endif

  // Every one of them still works.
  for (size_t i = 0; i < kConnections; i += 97) {
    expect_served(connections[i], "/again");
  }
}

}  // namespace
}  // namespace relay7::testing
