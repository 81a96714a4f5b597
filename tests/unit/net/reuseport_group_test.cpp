// Where the kernel queues new connections is the behaviour under test, so these tests use real
// sockets on loopback addresses, with ports the kernel picks.
#include "relay7/net/reuseport_group.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <numeric>
#include <thread>

namespace relay7 {
namespace {

using namespace std::chrono_literals;

constexpr size_t kConnections = 400;

SocketAddress any_port(const char* host) {
  return *parse_numeric_address(std::string(host) + ":0");
}

std::shared_ptr<ReuseportGroup> group_of(size_t sockets, const char* host = "127.0.0.1") {
  std::string error;
  std::shared_ptr<ReuseportGroup> group = ReuseportGroup::open(any_port(host), error);
  EXPECT_TRUE(group) << error;
  if (group && sockets > 1) {
    std::optional<UnlistenedSockets> more = group->bind_more(sockets, error);
    EXPECT_TRUE(more) << error;
    EXPECT_TRUE(more && group->listen_more(std::move(*more), error)) << error;
  }
  return group;
}

GroupIndices first(size_t count) {
  GroupIndices indices(count);
  std::iota(indices.begin(), indices.end(), uint16_t{0});
  return indices;
}

// Connects `count` clients (left open, so that nothing is reset) and counts, per socket of the
// group, the connections the kernel queued on it.
std::vector<size_t> connections_per_socket(const ReuseportGroup& group, size_t count) {
  std::vector<UniqueFd> clients;
  for (size_t i = 0; i < count; ++i) {
    UniqueFd client(::socket(group.address().family(), SOCK_STREAM | SOCK_CLOEXEC, 0));
    EXPECT_EQ(::connect(client.get(), group.address().raw(), group.address().length), 0)
        << std::strerror(errno);
    clients.push_back(std::move(client));
  }
  std::vector<size_t> counts(group.size(), 0);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  size_t total = 0;
  while (total < count && std::chrono::steady_clock::now() < deadline) {
    for (size_t index = 0; index < group.size(); ++index) {
      while (true) {
        UniqueFd accepted(::accept4(group.fd(index), nullptr, nullptr, SOCK_CLOEXEC));
        if (!accepted.valid()) {
          break;
        }
        ++counts[index];
        ++total;
      }
    }
    std::this_thread::sleep_for(1ms);  // a final ACK still in the loopback backlog
  }
  EXPECT_EQ(total, count);
  return counts;
}

TEST(ReuseportGroupTest, SpreadsNewConnectionsEvenlyOverItsSockets) {
  const auto group = group_of(4);
  ASSERT_TRUE(group);
  std::string error;
  ASSERT_TRUE(group->steer(first(4), error)) << error;
  const std::vector<size_t> counts = connections_per_socket(*group, kConnections);
  for (size_t count : counts) {
    EXPECT_GT(count, kConnections / 4 / 2) << ::testing::PrintToString(counts);
    EXPECT_LT(count, kConnections / 4 * 3 / 2) << ::testing::PrintToString(counts);
  }
}

TEST(ReuseportGroupTest, SteeringKeepsNewConnectionsOffTheSocketsItDoesNotName) {
  const auto group = group_of(4);
  ASSERT_TRUE(group);
  std::string error;
  ASSERT_TRUE(group->steer({1, 3}, error)) << error;
  EXPECT_EQ(group->steered(), (GroupIndices{1, 3}));
  const std::vector<size_t> counts = connections_per_socket(*group, kConnections);
  EXPECT_EQ(counts[0], 0u);
  EXPECT_EQ(counts[2], 0u);
  EXPECT_GT(counts[1], kConnections / 4);
  EXPECT_GT(counts[3], kConnections / 4);
}

TEST(ReuseportGroupTest, SocketsKeepTheKernelsNumbersAsTheGroupGrows) {
  const auto group = group_of(2);
  ASSERT_TRUE(group);
  std::string error;
  std::optional<UnlistenedSockets> more = group->bind_more(5, error);
  ASSERT_TRUE(more) << error;
  EXPECT_EQ(more->first_index, 2u);
  EXPECT_EQ(more->sockets.size(), 3u);
  ASSERT_TRUE(group->listen_more(std::move(*more), error)) << error;
  ASSERT_EQ(group->size(), 5u);
  for (uint16_t only : {4, 0, 2}) {
    ASSERT_TRUE(group->steer({only}, error)) << error;
    const std::vector<size_t> counts = connections_per_socket(*group, 50);
    EXPECT_EQ(counts[only], 50u) << "steered to " << only << ": "
                                 << ::testing::PrintToString(counts);
  }
}

TEST(ReuseportGroupTest, SocketsBoundButNotListeningGetNoConnection) {
  const auto group = group_of(1);
  ASSERT_TRUE(group);
  std::string error;
  std::optional<UnlistenedSockets> more = group->bind_more(4, error);
  ASSERT_TRUE(more) << error;
  EXPECT_EQ(connections_per_socket(*group, 100), (std::vector<size_t>{100}));
  // A generation that fails to start closes them: nothing was ever queued on them.
  more.reset();
  EXPECT_EQ(group->size(), 1u);
}

TEST(ReuseportGroupTest, ListeningMoreKeepsNewSocketsOutUntilSteeredTo) {
  const auto group = group_of(1);
  ASSERT_TRUE(group);
  std::string error;
  std::optional<UnlistenedSockets> more = group->bind_more(3, error);
  ASSERT_TRUE(more && group->listen_more(std::move(*more), error)) << error;
  EXPECT_EQ(group->steered(), (GroupIndices{0}));
  EXPECT_EQ(connections_per_socket(*group, 100), (std::vector<size_t>{100, 0, 0}));
}

TEST(ReuseportGroupTest, ShrinkingUndoesAPromotionAndForgetsSteeringToTheClosedSockets) {
  const auto group = group_of(3);
  ASSERT_TRUE(group);
  std::string error;
  ASSERT_TRUE(group->steer({0, 2}, error)) << error;
  group->shrink_to(2);
  EXPECT_EQ(group->size(), 2u);
  EXPECT_TRUE(group->steered().empty());
  EXPECT_FALSE(group->steer({2}, error));
  EXPECT_NE(error.find("to socket 2 of 2"), std::string::npos) << error;
  ASSERT_TRUE(group->steer({1}, error)) << error;
  EXPECT_EQ(connections_per_socket(*group, 50), (std::vector<size_t>{0, 50}));
}

TEST(ReuseportGroupTest, ASecondGroupOnABusyAddressIsRefused) {
  const auto group = group_of(2);
  ASSERT_TRUE(group);
  std::string error;
  EXPECT_FALSE(ReuseportGroup::open(group->address(), error));
  EXPECT_EQ(error, "cannot bind " + group->address().to_string() + ": Address already in use");
}

TEST(ReuseportGroupTest, WorksOnIpv6) {
  const auto group = group_of(2, "[::1]");
  ASSERT_TRUE(group);
  EXPECT_EQ(group->address().host_string(), "::1");
  std::string error;
  ASSERT_TRUE(group->steer(first(2), error)) << error;
  const std::vector<size_t> counts = connections_per_socket(*group, 100);
  EXPECT_GT(counts[0], 0u);
  EXPECT_GT(counts[1], 0u);
}

// Connections whose handshake completed (the kernel queued them on the listener) among `clients`,
// whose non-blocking connects were started; waits up to `timeout` for `expected` of them.
size_t completed(const std::vector<UniqueFd>& clients, size_t expected,
                 std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t done = 0;
  do {
    done = 0;
    for (const UniqueFd& client : clients) {
      pollfd ready{client.get(), POLLOUT, 0};
      done += ::poll(&ready, 1, 0) == 1 && (ready.revents & POLLOUT) != 0 ? 1 : 0;
    }
    if (done >= expected) {
      break;
    }
    std::this_thread::sleep_for(20ms);
  } while (std::chrono::steady_clock::now() < deadline);
  return done;
}

// The backlog bounds the queue of connections nobody accepted yet (Linux keeps backlog + 1);
// listen() again with a larger one lets the clients whose SYN was dropped in on their retry,
// without closing the socket.
TEST(ReuseportGroupTest, TheBacklogBoundsTheQueueAndCanGrowInPlace) {
  std::string error;
  std::shared_ptr<ReuseportGroup> group = ReuseportGroup::open(any_port("127.0.0.1"), error, 1);
  ASSERT_TRUE(group) << error;
  EXPECT_EQ(group->backlog(), 1);
  std::vector<UniqueFd> clients;
  for (int i = 0; i < 6; ++i) {
    UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    ::connect(client.get(), group->address().raw(), group->address().length);
    clients.push_back(std::move(client));
  }
  EXPECT_LE(completed(clients, clients.size(), 300ms), 3u);
  const int fd_before = group->fd(0);
  ASSERT_TRUE(group->set_backlog(64, error)) << error;
  EXPECT_EQ(group->backlog(), 64);
  EXPECT_EQ(group->fd(0), fd_before);
  // SYNs are retried after 1 s, then 3 s.
  EXPECT_EQ(completed(clients, clients.size(), 5s), clients.size());
}

}  // namespace
}  // namespace relay7
