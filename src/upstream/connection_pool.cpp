#include "relay7/upstream/connection_pool.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "relay7/upstream/shared_state.h"

namespace relay7 {

UpstreamConnection::UpstreamConnection(BufferEventPtr bev, ConnectionPool& pool, bool reused)
    : bev_(std::move(bev)), reader_(bev_.get(), kIdleReadLimit), pool_(pool), reused_(reused) {
  ++pool_.live_connections_;
}

UpstreamConnection::~UpstreamConnection() {
  --pool_.live_connections_;
}

ConnectionPool::ConnectionPool(event_base* base, SocketAddress address, size_t max_idle)
    : base_(base), address_(address), address_text_(address.to_string()), max_idle_(max_idle) {}

// The idle connections go first, while the counter they update still exists.
ConnectionPool::~ConnectionPool() {
  idle_.clear();
}

std::unique_ptr<UpstreamConnection> ConnectionPool::acquire() {
  if (idle_.empty()) {
    return connect_new();
  }
  std::unique_ptr<UpstreamConnection> connection = std::move(idle_.front());
  idle_.pop_front();
  // Reading stays enabled (no epoll change): the exchange installs its callbacks at once.
  connection->clear_callbacks();
  return connection;
}

std::unique_ptr<UpstreamConnection> ConnectionPool::connect_new() {
  const int fd = ::socket(address_.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return nullptr;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  BufferEventPtr bev(bufferevent_socket_new(base_, fd, BEV_OPT_CLOSE_ON_FREE));
  if (!bev) {
    ::close(fd);
    return nullptr;
  }
  // A connect that fails at once (e.g. no route) is reported through the event callback, which
  // the exchange installs right after; libevent defers that report to the loop.
  if (bufferevent_socket_connect(bev.get(), address_.raw(), static_cast<int>(address_.length)) !=
      0) {
    return nullptr;
  }
  auto connection = std::make_unique<UpstreamConnection>(std::move(bev), *this, false);
  if (!connection->reader().valid()) {
    return nullptr;
  }
  return connection;
}

void ConnectionPool::release(std::unique_ptr<UpstreamConnection> connection) {
  if (retired_ || max_idle_ == 0 ||
      evbuffer_get_length(bufferevent_get_input(connection->bev())) != 0) {
    return;  // unique_ptr closes it
  }
  connection->mark_reused();
  connection->idle_since_ms_ = monotonic_ms();
  bufferevent* bev = connection->bev();
  bufferevent_set_timeouts(bev, nullptr, nullptr);
  idle_.push_front(std::move(connection));
  UpstreamConnection& idle = *idle_.front();
  idle.idle_position_ = idle_.begin();
  bufferevent_setcb(bev, nullptr, nullptr, &ConnectionPool::on_idle_event, &idle);
  SocketReader& reader = idle.reader();
  reader.set_callbacks(&ConnectionPool::on_idle_read, &ConnectionPool::on_idle_event, &idle);
  reader.set_timeout(nullptr);
  reader.set_limit(UpstreamConnection::kIdleReadLimit);
  reader.enable();
}

void ConnectionPool::trim_excess(int64_t now_ms) {
  while (idle_.size() > max_idle_ && now_ms - idle_.back()->idle_since_ms_ >= kExcessIdleMs) {
    idle_.pop_back();
  }
}

void ConnectionPool::close_idle() {
  idle_.clear();
}

void ConnectionPool::retire() {
  retired_ = true;
  idle_.clear();
}

void ConnectionPool::discard_idle(UpstreamConnection* connection) {
  idle_.erase(connection->idle_position_);
}

// An idle connection has nothing to say: data or EOF means the backend closed it or broke the
// protocol, so it must never be handed to a request.
void ConnectionPool::on_idle_read(bufferevent*, void* context) {
  auto* connection = static_cast<UpstreamConnection*>(context);
  connection->pool().discard_idle(connection);
}

void ConnectionPool::on_idle_event(bufferevent*, short, void* context) {
  auto* connection = static_cast<UpstreamConnection*>(context);
  connection->pool().discard_idle(connection);
}

}  // namespace relay7
