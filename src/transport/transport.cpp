#include "relay7/transport/transport.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "relay7/event/timeval.h"
#include "relay7/transport/flow_limits.h"

namespace relay7 {
namespace {

// The first readv of a read() takes what fits the buffer's last block and one fresh block, so a
// small message costs one system call and one block; only when that comes back full does a read
// go on with more blocks at once (a large body).
constexpr size_t kFirstReadVectors = 2;
constexpr size_t kBulkReadVectors = 16;
// writev takes at most this many iovecs per call from an IoBuffer.
constexpr size_t kWriteVectors = 64;

}  // namespace

Transport::Transport(event_base* base, UniqueFd fd) : base_(base), fd_(std::move(fd)) {
  if (event_get_struct_event_size() <= kEventStorage) {
    read_event_ready_ = event_assign(read_event(), base, fd_.get(), EV_READ | EV_PERSIST,
                                     &Transport::on_read_event, this) == 0;
  } else {
    read_event_heap_.reset(
        event_new(base, fd_.get(), EV_READ | EV_PERSIST, &Transport::on_read_event, this));
    read_event_ready_ = read_event_heap_ != nullptr;
  }
}

Duration::rep Transport::timeout_ms(std::optional<Duration> timeout) {
  return timeout ? timeout->count() : kNoTimeout;
}

Transport::~Transport() {
  remove_events();
}

void Transport::remove_events() {
  if (read_event_ready_) {
    event_del(read_event());
    read_event_ready_ = false;
  }
  write_event_.reset();
}

std::unique_ptr<Transport> Transport::connect(event_base* base, const SocketAddress& address) {
  UniqueFd fd = connecting_socket(address);
  if (!fd.valid()) {
    return nullptr;
  }
  auto transport = std::make_unique<Transport>(base, std::move(fd));
  if (!transport->valid()) {
    return nullptr;
  }
  return transport;
}

UniqueFd Transport::connecting_socket(const SocketAddress& address) {
  UniqueFd fd(::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    return fd;
  }
  const int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // A connect that fails at once (no route, refused on loopback) is reported like a late one:
  // through the write event and finish_connect(), so callers have one path for both.
  int result;
  do {
    result = ::connect(fd.get(), address.raw(), address.length);
  } while (result != 0 && errno == EINTR);
  return fd;
}

ReadResult Transport::read(IoBuffer& into, size_t limit) {
  size_t total = 0;
  size_t vectors = kFirstReadVectors;
  while (total < limit) {
    iovec space[kBulkReadVectors];
    const size_t want = limit - total;
    const size_t count = into.reserve(want, space, vectors);
    size_t offered = 0;
    for (size_t i = 0; i < count; ++i) {
      offered += space[i].iov_len;
    }
    ssize_t received;
    do {
      received = ::readv(fd_.get(), space, static_cast<int>(count));
    } while (received < 0 && errno == EINTR);
    if (received <= 0) {
      const int error = errno;
      into.commit(0);
      if (total > 0) {
        // What was read is delivered now; the end or the error shows at the next read.
        return {ReadResult::Status::data, total};
      }
      if (received == 0) {
        return {ReadResult::Status::end_of_stream, 0};
      }
      if (error == EAGAIN || error == EWOULDBLOCK) {
        return {ReadResult::Status::would_block, 0};
      }
      return {ReadResult::Status::error, 0, error};
    }
    into.commit(static_cast<size_t>(received));
    total += static_cast<size_t>(received);
    if (static_cast<size_t>(received) < offered) {
      break;  // the socket is drained: another readv would only say EAGAIN
    }
    vectors = kBulkReadVectors;
  }
  return {ReadResult::Status::data, total};
}

WriteResult Transport::write(IoBuffer& from) {
  size_t total = 0;
  while (!from.empty()) {
    iovec vectors[kWriteVectors];
    const size_t count = from.gather(vectors, kWriteVectors);
    ssize_t written;
    do {
      written = ::writev(fd_.get(), vectors, static_cast<int>(count));
    } while (written < 0 && errno == EINTR);
    if (written < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return {WriteResult::Status::would_block, total};
      }
      return {WriteResult::Status::error, total, errno};
    }
    from.consume(static_cast<size_t>(written));
    total += static_cast<size_t>(written);
  }
  return {WriteResult::Status::done, total};
}

void Transport::shutdown_write() {
  ::shutdown(fd_.get(), SHUT_WR);
}

std::string Transport::describe_error(int error) const {
  return std::strerror(error);
}

int Transport::finish_connect() {
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
    return errno;
  }
  return error;
}

void Transport::watch_read(bool on, std::optional<Duration> timeout) {
  if (!read_event_ready_ ||
      (on == watching_read_ && (!on || timeout_ms(timeout) == read_timeout_ms_))) {
    // Already so: a persistent event restarts its timeout at every event by itself.
    return;
  }
  watching_read_ = on;
  read_timeout_ms_ = timeout_ms(timeout);
  if (!on) {
    event_del(read_event());
    return;
  }
  if (!read_held_) {
    add_event(read_event(), timeout);
  }
  on_read_watch_started();
}

void Transport::hold_read_event(bool held) {
  if (held == read_held_ || !read_event_ready_) {
    return;
  }
  read_held_ = held;
  if (!watching_read_) {
    return;
  }
  if (held) {
    event_del(read_event());
  } else {
    add_event(read_event(), read_timeout());
  }
}

void Transport::hold_write_event(bool held) {
  if (held == write_held_) {
    return;
  }
  write_held_ = held;
  if (!watching_write_ || !write_event_) {
    return;
  }
  if (held) {
    event_del(write_event_.get());
  } else {
    add_event(write_event_.get(), write_timeout());
  }
}

std::optional<Duration> Transport::read_timeout() const {
  if (read_timeout_ms_ == kNoTimeout) {
    return std::nullopt;
  }
  return Duration(read_timeout_ms_);
}

std::optional<Duration> Transport::write_timeout() const {
  if (write_timeout_ms_ == kNoTimeout) {
    return std::nullopt;
  }
  return Duration(write_timeout_ms_);
}

bool Transport::ensure_write_event() {
  if (!write_event_) {
    write_event_.reset(
        event_new(base_, fd_.get(), EV_WRITE | EV_PERSIST, &Transport::on_write_event, this));
  }
  return write_event_ != nullptr;
}

void Transport::watch_write(bool on, std::optional<Duration> timeout) {
  if (on == watching_write_ && (!on || timeout_ms(timeout) == write_timeout_ms_)) {
    return;
  }
  watching_write_ = on;
  write_timeout_ms_ = timeout_ms(timeout);
  if (on) {
    if (ensure_write_event() && !write_held_) {
      add_event(write_event_.get(), timeout);
    }
  } else if (write_event_) {
    event_del(write_event_.get());
  }
}

void Transport::notify_readable() {
  if (read_event_ready_) {
    event_active(read_event(), EV_READ, 1);
  }
}

void Transport::on_read_event(evutil_socket_t, short what, void* context) {
  auto* self = static_cast<Transport*>(context);
  self->deliver((what & EV_TIMEOUT) != 0 ? TransportEvent::read_timeout : TransportEvent::readable);
}

void Transport::on_write_event(evutil_socket_t, short what, void* context) {
  auto* self = static_cast<Transport*>(context);
  self->deliver((what & EV_TIMEOUT) != 0 ? TransportEvent::write_timeout
                                         : TransportEvent::writable);
}

void Transport::deliver(TransportEvent event) {
  if (owner_ != nullptr) {
    owner_->on_transport_event(*this, event);  // last: the owner may destroy the transport
  }
}

}  // namespace relay7
