#include "relay7/event/bulk_read.h"

#include <event2/buffer.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cerrno>

namespace relay7 {
namespace {

// What libevent 2.1 reads per call (EVBUFFER_MAX_READ in its buffer.c).
constexpr size_t kLibeventReadSize = 4096;

void pull_into(evbuffer* input, evutil_socket_t fd, size_t room);

}  // namespace

void read_what_is_ready(bufferevent* bev, size_t limit) {
  evbuffer* input = bufferevent_get_input(bev);
  const size_t buffered = evbuffer_get_length(input);
  if (buffered < kLibeventReadSize || buffered >= limit) {
    return;
  }
  const evutil_socket_t fd = bufferevent_getfd(bev);
  if (fd < 0) {
    return;
  }
  // A bufferevent keeps the end of its input frozen except while it reads itself; this is such
  // a read, so it thaws the end for its duration in the same way.
  evbuffer_unfreeze(input, 0);
  pull_into(input, fd, limit - buffered);
  evbuffer_freeze(input, 0);
}

void allow_large_writes(bufferevent* bev, size_t size) {
  bufferevent_set_max_single_write(bev, size);
}

namespace {

void pull_into(evbuffer* input, evutil_socket_t fd, size_t room) {
  std::array<evbuffer_iovec, 2> space{};
  const int count = evbuffer_reserve_space(input, static_cast<ev_ssize_t>(room), space.data(),
                                           static_cast<int>(space.size()));
  if (count <= 0) {
    return;
  }
  std::array<iovec, 2> targets{};
  for (int i = 0; i < count; ++i) {
    targets[i] = iovec{space[i].iov_base, space[i].iov_len};
  }
  ssize_t received;
  do {
    received = ::readv(fd, targets.data(), count);
  } while (received < 0 && errno == EINTR);
  if (received <= 0) {
    evbuffer_commit_space(input, space.data(), 0);
    return;
  }
  size_t remaining = static_cast<size_t>(received);
  int used = 0;
  for (; used < count && remaining > 0; ++used) {
    space[used].iov_len = std::min(space[used].iov_len, remaining);
    remaining -= space[used].iov_len;
  }
  evbuffer_commit_space(input, space.data(), used);
}

}  // namespace
}  // namespace relay7
