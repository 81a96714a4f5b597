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

ssize_t pull_into(evbuffer* input, evutil_socket_t fd, size_t room);

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
  read_into_input(input, fd, limit - buffered);
}

ssize_t read_into_input(evbuffer* input, evutil_socket_t fd, size_t room) {
  // A bufferevent keeps the end of its input frozen except while it reads itself; this is such
  // a read, so it thaws the end for its duration in the same way.
  evbuffer_unfreeze(input, 0);
  const ssize_t received = pull_into(input, fd, room);
  const int error = errno;
  evbuffer_freeze(input, 0);
  errno = error;  // the caller tells EAGAIN from a failure by it
  return received;
}

void allow_large_writes(bufferevent* bev, size_t size) {
  bufferevent_set_max_single_write(bev, size);
}

namespace {

ssize_t pull_into(evbuffer* input, evutil_socket_t fd, size_t room) {
  std::array<evbuffer_iovec, 2> space{};
  const int count = evbuffer_reserve_space(input, static_cast<ev_ssize_t>(room), space.data(),
                                           static_cast<int>(space.size()));
  if (count <= 0) {
    errno = ENOMEM;
    return -1;
  }
  // The reserved extents may be larger than asked for: read no more than `room`.
  std::array<iovec, 2> targets{};
  size_t left = room;
  for (int i = 0; i < count; ++i) {
    space[i].iov_len = std::min(space[i].iov_len, left);
    left -= space[i].iov_len;
    targets[i] = iovec{space[i].iov_base, space[i].iov_len};
  }
  ssize_t received;
  do {
    received = ::readv(fd, targets.data(), count);
  } while (received < 0 && errno == EINTR);
  if (received <= 0) {
    const int error = errno;
    evbuffer_commit_space(input, space.data(), 0);
    errno = error;
    return received;
  }
  size_t remaining = static_cast<size_t>(received);
  int used = 0;
  for (; used < count && remaining > 0; ++used) {
    space[used].iov_len = std::min(space[used].iov_len, remaining);
    remaining -= space[used].iov_len;
  }
  evbuffer_commit_space(input, space.data(), used);
  return received;
}

}  // namespace
}  // namespace relay7
