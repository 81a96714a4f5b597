#pragma once

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <sys/types.h>

#include <cstddef>

namespace relay7 {

// libevent 2.1 reads a socket at most 4 KiB at a time, each read after an ioctl(FIONREAD), so a
// 1 MiB body costs 256 turns of the event loop. Called from a read callback, this takes what the
// kernel already holds with one readv, until the input buffer holds `limit` bytes. It only acts
// when libevent's own read came back full (4 KiB or more buffered), so small messages cost no
// extra system call. End of stream and errors are left for libevent's next read to report: the
// bufferevent's event callback stays the one place they are handled.
void read_what_is_ready(bufferevent* bev, size_t limit);

// One readv of up to `room` bytes from `fd` into `input`, the input buffer of a bufferevent
// (whose end a bufferevent keeps frozen; it is thawed for the read). Returns what readv returned,
// with its errno; EINTR is retried.
ssize_t read_into_input(evbuffer* input, evutil_socket_t fd, size_t room);

// Lets libevent write up to `size` bytes per writev instead of its 16 KiB default.
void allow_large_writes(bufferevent* bev, size_t size);

}  // namespace relay7
