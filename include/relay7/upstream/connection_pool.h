#pragma once

#include <event2/event.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "relay7/http/message_parser.h"
#include "relay7/http1/client_session.h"
#include "relay7/net/socket_address.h"
#include "relay7/tls/tls_peer.h"
#include "relay7/transport/io_buffer.h"

namespace relay7 {

// What every connection pool of a worker uses: its event loop, its blocks, the response limits.
// All outlive the pools.
struct PoolResources {
  event_base* base = nullptr;
  BlockPool* blocks = nullptr;
  const ParserLimits* limits = nullptr;
};

// Idle keep-alive connections to one backend server, per worker (most recently used first, so
// the connections that stay idle are the ones the backend may time out).
//
// `max_idle` bounds the connections kept idle for long, not the ones a burst just released:
// those beyond it are closed once they have been idle for kExcessIdleMs (trim_idle). nginx
// closes them the moment they come back, so an upstream with more requests in flight than its
// keepalive opens and closes connections all the time, each leaving a TIME_WAIT behind.
class ConnectionPool {
 public:
  static constexpr int64_t kExcessIdleMs = 1000;

  // `tls` set: the server is spoken to over TLS (its connections, kept alive and reused as
  // plain ones are, resume the peer's last session).
  ConnectionPool(const PoolResources& resources, SocketAddress address, size_t max_idle,
                 std::shared_ptr<TlsPeer> tls = nullptr);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // An idle connection, or a new one whose connect is under way; nullptr when even the socket
  // cannot be created.
  std::unique_ptr<Http1ClientSession> acquire();
  // A new connection, never a pooled one.
  std::unique_ptr<Http1ClientSession> connect_new();
  // Takes back a connection whose last exchange ended cleanly (closes it if max_idle is 0).
  void release(std::unique_ptr<Http1ClientSession> session);
  // Closes, oldest first, the connections beyond max_idle that have been idle for kExcessIdleMs
  // and every connection idle for `idle_timeout_ms` (timeouts.upstream_idle): a backend that
  // keeps an idle connection longer than relay7 would otherwise hold it for ever.
  void trim_idle(int64_t now_ms, int64_t idle_timeout_ms);
  // Closes every idle connection (draining, shutdown).
  void close_idle();
  // An idle connection saw data or its end: it is closed (destroyed here).
  void discard_idle(Http1ClientSession* session);
  // The server left its upstream (an address its name no longer has): idle connections close
  // now, the ones in use when they are released.
  void retire();

  // Set when the server is spoken to over TLS; health probes connect with it too.
  const std::shared_ptr<TlsPeer>& tls_peer() const { return tls_; }

  const SocketAddress& address() const { return address_; }
  const std::string& address_text() const { return address_text_; }
  size_t idle_count() const { return idle_.size(); }
  // Connections of this pool that exist, idle or in use (by an exchange or a tunnel). The pool
  // must outlive them: they refer to it.
  size_t live_connections() const { return live_connections_; }

 private:
  // Http1ClientSession counts itself in live_connections_ for as long as it exists.
  friend class Http1ClientSession;

  PoolResources resources_;
  SocketAddress address_;
  std::string address_text_;
  size_t max_idle_;
  std::shared_ptr<TlsPeer> tls_;
  bool retired_ = false;
  size_t live_connections_ = 0;
  // Oldest first: taking and giving back work at the end (no allocation once it has grown),
  // trimming at the front.
  std::vector<std::unique_ptr<Http1ClientSession>> idle_;
};

}  // namespace relay7
