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

  // `count` connections in use at once, then all given back, as after a burst of requests.
  void burst(size_t count) {
    std::vector<std::unique_ptr<UpstreamConnection>> in_use;
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
  ConnectionPool pool_{base_.get(), backend_.address(), kMaxIdle};
};

TEST_F(ConnectionPoolTest, KeepsWhatABurstGivesBackUntilItHasBeenIdleForASecond) {
  burst(6);
  EXPECT_EQ(pool_.idle_count(), 6u) << "closing them now would reopen them on the next burst";
  const int64_t released = monotonic_ms();
  pool_.trim_excess(released);
  EXPECT_EQ(pool_.idle_count(), 6u);
  pool_.trim_excess(released + ConnectionPool::kExcessIdleMs - 200);
  EXPECT_EQ(pool_.idle_count(), 6u);
  pool_.trim_excess(released + ConnectionPool::kExcessIdleMs + 200);
  EXPECT_EQ(pool_.idle_count(), kMaxIdle);
}

TEST_F(ConnectionPoolTest, ANewBurstReusesTheConnectionsOfTheLastOne) {
  burst(6);
  burst(6);
  EXPECT_EQ(pool_.idle_count(), 6u) << "the second burst opened new connections";
}

TEST_F(ConnectionPoolTest, NeverTrimsBelowMaxIdle) {
  burst(kMaxIdle);
  pool_.trim_excess(monotonic_ms() + 60 * ConnectionPool::kExcessIdleMs);
  EXPECT_EQ(pool_.idle_count(), kMaxIdle);
}

TEST(ConnectionPoolWithoutKeepalive, ClosesEveryConnectionGivenBack) {
  Listener backend;
  EventBasePtr base(event_base_new());
  ConnectionPool pool(base.get(), backend.address(), 0);
  std::unique_ptr<UpstreamConnection> connection = pool.acquire();
  ASSERT_NE(connection, nullptr);
  pool.release(std::move(connection));
  EXPECT_EQ(pool.idle_count(), 0u);
}

TEST_F(ConnectionPoolTest, CountsEveryConnectionThatExistsIdleOrInUse) {
  EXPECT_EQ(pool_.live_connections(), 0u);
  std::unique_ptr<UpstreamConnection> first = pool_.acquire();
  std::unique_ptr<UpstreamConnection> second = pool_.acquire();
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
  std::unique_ptr<UpstreamConnection> in_use = pool_.acquire();
  pool_.retire();
  EXPECT_EQ(pool_.idle_count(), 0u);
  EXPECT_EQ(pool_.live_connections(), 1u) << "the one in use lives on with its request";
  pool_.release(std::move(in_use));
  EXPECT_EQ(pool_.idle_count(), 0u);
  EXPECT_EQ(pool_.live_connections(), 0u);
}

}  // namespace
}  // namespace relay7
