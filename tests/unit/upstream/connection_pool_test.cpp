#include "relay7/upstream/connection_pool.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <memory>
#include <optional>
#include <vector>

#include "relay7/event/handles.h"
#include "relay7/net/unique_fd.h"
#include "relay7/upstream/shared_state.h"

namespace relay7 {
namespace {

// A listening socket on a free loopback port. Connections complete in the kernel's backlog, so
// the pool's connects succeed without anything accepting them.
class Listener {
 public:
  Listener() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    const std::optional<SocketAddress> any_port = parse_numeric_address("127.0.0.1:0");
    EXPECT_TRUE(any_port);
    EXPECT_EQ(::bind(fd_.get(), any_port->raw(), any_port->length), 0);
    EXPECT_EQ(::listen(fd_.get(), 64), 0);
    address_.length = sizeof address_.storage;
    ::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&address_.storage), &address_.length);
  }
  const SocketAddress& address() const { return address_; }

 private:
  UniqueFd fd_;
  SocketAddress address_;
};

class ConnectionPoolTest : public ::testing::Test {
 protected:
  static constexpr size_t kMaxIdle = 2;
  static constexpr int64_t kIdleTimeoutMs = 60'000;  // timeouts.upstream_idle's default

  // `count` connections in use at once, then all given back, as after a burst of requests.
  void burst(size_t count) {
    std::vector<std::unique_ptr<Http1ClientSession>> in_use;
    for (size_t i = 0; i < count; ++i) {
      in_use.push_back(pool_.acquire());
      ASSERT_NE(in_use.back(), nullptr);
    }
    for (auto& connection : in_use) {
      pool_.release(std::move(connection));
    }
  }

  Listener backend_;
  EventBasePtr base_{event_base_new()};
  BlockPool blocks_;
  ParserLimits limits_;
  ConnectionPool pool_{PoolResources{base_.get(), &blocks_, &limits_}, backend_.address(),
                       kMaxIdle};
};

TEST_F(ConnectionPoolTest, KeepsWhatABurstGivesBackUntilItHasBeenIdleForASecond) {
  burst(6);
  EXPECT_EQ(pool_.idle_count(), 6u) << "closing them now would reopen them on the next burst";
  const int64_t released = monotonic_ms();
  pool_.trim_idle(released, kIdleTimeoutMs);
  EXPECT_EQ(pool_.idle_count(), 6u);
  pool_.trim_idle(released + ConnectionPool::kExcessIdleMs - 200, kIdleTimeoutMs);
  EXPECT_EQ(pool_.idle_count(), 6u);
  pool_.trim_idle(released + ConnectionPool::kExcessIdleMs + 200, kIdleTimeoutMs);
  EXPECT_EQ(pool_.idle_count(), kMaxIdle);
}

TEST_F(ConnectionPoolTest, ANewBurstReusesTheConnectionsOfTheLastOne) {
  burst(6);
  burst(6);
  EXPECT_EQ(pool_.idle_count(), 6u) << "the second burst opened new connections";
}

TEST_F(ConnectionPoolTest, KeepsMaxIdleConnectionsUntilTheIdleTimeout) {
  burst(kMaxIdle);
  const int64_t released = monotonic_ms();
  pool_.trim_idle(released + kIdleTimeoutMs - 1000, kIdleTimeoutMs);
  EXPECT_EQ(pool_.idle_count(), kMaxIdle);
  pool_.trim_idle(released + kIdleTimeoutMs + 1000, kIdleTimeoutMs);
  EXPECT_EQ(pool_.idle_count(), 0u) << "timeouts.upstream_idle closes even the kept ones";
}

TEST_F(ConnectionPoolTest, TheIdleTimeoutClosesOnlyTheConnectionsIdleThatLong) {
  std::unique_ptr<Http1ClientSession> older = pool_.acquire();
  std::unique_ptr<Http1ClientSession> newer = pool_.acquire();
  ASSERT_NE(older, nullptr);
  ASSERT_NE(newer, nullptr);
  pool_.release(std::move(older));
  const int64_t older_since = monotonic_ms();
  // The clock, not a sleep: the two must be given back at different milliseconds.
  while (monotonic_ms() < older_since + 10) {
  }
  pool_.release(std::move(newer));
  pool_.trim_idle(older_since + kIdleTimeoutMs + 5, kIdleTimeoutMs);
  EXPECT_EQ(pool_.idle_count(), 1u) << "only the older one had been idle for the timeout";
}

TEST(ConnectionPoolWithoutKeepalive, ClosesEveryConnectionGivenBack) {
  Listener backend;
  EventBasePtr base(event_base_new());
  BlockPool blocks;
  ParserLimits limits;
  ConnectionPool pool(PoolResources{base.get(), &blocks, &limits}, backend.address(), 0);
  std::unique_ptr<Http1ClientSession> connection = pool.acquire();
  ASSERT_NE(connection, nullptr);
  pool.release(std::move(connection));
  EXPECT_EQ(pool.idle_count(), 0u);
}

TEST_F(ConnectionPoolTest, CountsEveryConnectionThatExistsIdleOrInUse) {
  EXPECT_EQ(pool_.live_connections(), 0u);
  std::unique_ptr<Http1ClientSession> first = pool_.acquire();
  std::unique_ptr<Http1ClientSession> second = pool_.acquire();
  EXPECT_EQ(pool_.live_connections(), 2u);
  pool_.release(std::move(first));
  EXPECT_EQ(pool_.live_connections(), 2u) << "an idle connection still refers to its pool";
  second.reset();
  EXPECT_EQ(pool_.live_connections(), 1u);
  pool_.close_idle();
  EXPECT_EQ(pool_.live_connections(), 0u);
}

TEST_F(ConnectionPoolTest, ARetiredPoolClosesItsIdleConnectionsAndKeepsNoneGivenBack) {
  burst(2);
  std::unique_ptr<Http1ClientSession> in_use = pool_.acquire();
  pool_.retire();
  EXPECT_EQ(pool_.idle_count(), 0u);
  EXPECT_EQ(pool_.live_connections(), 1u) << "the one in use lives on with its request";
  pool_.release(std::move(in_use));
  EXPECT_EQ(pool_.idle_count(), 0u);
  EXPECT_EQ(pool_.live_connections(), 0u);
}

}  // namespace
}  // namespace relay7
