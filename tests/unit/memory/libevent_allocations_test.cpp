#include "relay7/memory/libevent_allocations.h"

#include <event2/event.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "relay7/memory/pooling.h"

namespace relay7 {
namespace {

// An event base with events on a few hundred descriptors (libevent's per-descriptor records,
// its arrays growing by realloc), run and torn down on the routed allocator: in a child
// process, since routing is for the whole process.
[[noreturn]] void exercise_libevent_on_routed_allocations() {
  if (route_libevent_allocations() != kPoolingEnabled) {
    std::_Exit(2);
  }
  event_base* base = event_base_new();
  std::vector<int> fds;
  std::vector<event*> events;
  for (int i = 0; i < 200; ++i) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) {
      std::_Exit(3);
    }
    fds.insert(fds.end(), {pair[0], pair[1]});
    for (const int fd : pair) {
      events.push_back(event_new(
          base, fd, EV_READ | EV_PERSIST, [](evutil_socket_t, short, void*) {}, nullptr));
      const timeval timeout{30, i};
      event_add(events.back(), &timeout);
    }
  }
  event_base_loop(base, EVLOOP_NONBLOCK);
  for (event* e : events) {
    event_free(e);
  }
  event_base_free(base);
  for (const int fd : fds) {
    ::close(fd);
  }
  std::_Exit(0);
}

TEST(LibeventAllocationsTest, LibeventRunsOnTheRoutedAllocator) {
  EXPECT_EXIT(exercise_libevent_on_routed_allocations(), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace relay7
