#pragma once

#include <event2/event.h>

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>

#include "relay7/event/handles.h"
#include "relay7/event/socket_reader.h"
#include "relay7/net/socket_address.h"

namespace relay7 {

class ConnectionPool;

// One TCP connection to a backend server. While an exchange uses it, the exchange owns it and
// sets its callbacks; while idle, the pool owns it and watches it for the backend closing it.
// Its socket is read by reader() (see socket_reader.h), never with the bufferevent's EV_READ,
// except by a tunnel, which stops the reader. The reader stays registered with the event loop
// while the connection moves between pool and exchange.
class UpstreamConnection {
 public:
  // A reader limit for idle connections; an exchange sets its own.
  static constexpr size_t kIdleReadLimit = 4096;

  UpstreamConnection(BufferEventPtr bev, ConnectionPool& pool, bool reused);
  ~UpstreamConnection();
  UpstreamConnection(const UpstreamConnection&) = delete;
  UpstreamConnection& operator=(const UpstreamConnection&) = delete;

  bufferevent* bev() const { return bev_.get(); }
  SocketReader& reader() { return reader_; }
  // Detaches whoever used the connection last (an exchange, the pool): no callback of theirs
  // can run after this, while reading stays registered with the event loop.
  void clear_callbacks() {
    bufferevent_setcb(bev_.get(), nullptr, nullptr, nullptr, nullptr);
    reader_.set_callbacks(nullptr, nullptr, nullptr);
  }
  ConnectionPool& pool() const { return pool_; }
  // True when the connection already carried a request: a failure before any response byte then
  // most likely means the backend closed it while idle, and the request can be replayed.
  bool reused() const { return reused_; }
  void mark_reused() { reused_ = true; }

 private:
  friend class ConnectionPool;
  BufferEventPtr bev_;
  SocketReader reader_;  // after bev_: destroyed before it
  ConnectionPool& pool_;
  bool reused_ = false;
  int64_t idle_since_ms_ = 0;
  std::list<std::unique_ptr<UpstreamConnection>>::iterator idle_position_;
};

// Idle keep-alive connections to one backend server, per worker (most recently used first, so
// the connections that stay idle are the ones the backend may time out).
//
// `max_idle` bounds the connections kept idle for long, not the ones a burst just released:
// those beyond it are closed once they have been idle for kExcessIdleMs (trim_excess). nginx
// closes them the moment they come back, so an upstream with more requests in flight than its
// keepalive opens and closes connections all the time, each leaving a TIME_WAIT behind.
class ConnectionPool {
 public:
  static constexpr int64_t kExcessIdleMs = 1000;

  ConnectionPool(event_base* base, SocketAddress address, size_t max_idle);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // An idle connection, or a new one whose connect is under way; nullptr when even the socket
  // cannot be created.
  std::unique_ptr<UpstreamConnection> acquire();
  // A new connection, never a pooled one.
  std::unique_ptr<UpstreamConnection> connect_new();
  // Takes back a connection whose last exchange ended cleanly (closes it if max_idle is 0).
  void release(std::unique_ptr<UpstreamConnection> connection);
  // Closes the connections beyond max_idle that have been idle for kExcessIdleMs, oldest first.
  void trim_excess(int64_t now_ms);
  // Closes every idle connection (draining, shutdown).
  void close_idle();
  // The server left its upstream (an address its name no longer has): idle connections close
  // now, the ones in use when they are released.
  void retire();

  const SocketAddress& address() const { return address_; }
  const std::string& address_text() const { return address_text_; }
  size_t idle_count() const { return idle_.size(); }
  // Connections of this pool that exist, idle or in use (by an exchange or a tunnel). The pool
  // must outlive them: they refer to it.
  size_t live_connections() const { return live_connections_; }

 private:
  friend class UpstreamConnection;
  static void on_idle_read(bufferevent* bev, void* context);
  static void on_idle_event(bufferevent* bev, short events, void* context);
  void discard_idle(UpstreamConnection* connection);

  event_base* base_;
  SocketAddress address_;
  std::string address_text_;
  size_t max_idle_;
  bool retired_ = false;
  size_t live_connections_ = 0;
  std::list<std::unique_ptr<UpstreamConnection>> idle_;
};

}  // namespace relay7
