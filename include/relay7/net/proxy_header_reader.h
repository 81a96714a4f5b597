#pragma once

#include <event2/event.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "relay7/config/config.h"
#include "relay7/event/handles.h"
#include "relay7/net/proxy_protocol.h"
#include "relay7/net/socket_address.h"
#include "relay7/net/unique_fd.h"

namespace relay7 {

class ProxyHeaderReader;

// Told when a PROXY protocol header has been read or the connection is given up. Called from the
// event loop; the owner may destroy the reader from inside the call.
class ProxyHeaderOwner {
 public:
  // `fd` carries the connection on (the header consumed, nothing after it); `peer` is the
  // header's source, or the socket's peer when the header names none (LOCAL, UNKNOWN).
  virtual void on_proxy_header(ProxyHeaderReader& reader, UniqueFd fd,
                               const SocketAddress& peer) = 0;
  // The connection is closed already; `reason` is for a log line (nullptr: the client closed or
  // reset it before sending anything, not worth a line).
  virtual void on_proxy_header_failed(ProxyHeaderReader& reader, const char* reason) = 0;

 protected:
  ~ProxyHeaderOwner() = default;
};

// The first stage of a connection on a proxy_protocol address: reads the PROXY header in the
// event loop, under a deadline from the accept, before TLS or HTTP see any byte. It peeks at the
// socket and then consumes only the header's bytes, so whatever the client sent after the header
// (a TLS ClientHello, an HTTP request, the HTTP/2 preface) stays in the socket for the next stage,
// untouched; a read that ends inside the header consumes all it peeked, so a level-triggered
// read event never spins on bytes left waiting.
class ProxyHeaderReader {
 public:
  // Takes `fd` (non-blocking, accepted from `listener`). Throws std::bad_alloc when libevent
  // cannot make its events.
  ProxyHeaderReader(event_base* base, UniqueFd fd, const SocketAddress& peer, size_t listener,
                    Duration timeout, ProxyHeaderOwner& owner);
  ProxyHeaderReader(const ProxyHeaderReader&) = delete;
  ProxyHeaderReader& operator=(const ProxyHeaderReader&) = delete;

  size_t listener() const { return listener_; }
  // The socket's peer (the balancer), for log lines.
  const SocketAddress& socket_peer() const { return peer_; }

 private:
  static void on_readable(evutil_socket_t fd, short what, void* context);
  static void on_deadline(evutil_socket_t fd, short what, void* context);
  void read_available();
  void give_up(const char* reason);

  UniqueFd fd_;  // declared before the events: they are deleted before the socket closes
  EventPtr read_event_;
  EventPtr deadline_;
  SocketAddress peer_;
  size_t listener_;
  ProxyHeaderOwner& owner_;
  ProxyProtocolParser parser_;
};

// Refused PROXY connections, reported as one warning per period at most: a port scan or a client
// that bypasses the balancer must not flood the error log, yet an operator who forgot
// send-proxy on the balancer needs to see it. Each refusal is also logged at debug.
class ProxyRefusalLog {
 public:
  explicit ProxyRefusalLog(int64_t period_ms = 10000) : period_ms_(period_ms) {}
  void note(const std::string& listen, const SocketAddress& peer, const char* reason,
            int64_t now_ms);
  // Reports refusals noted since the last warning once the period has passed (from the tick).
  void flush(int64_t now_ms);

 private:
  int64_t period_ms_;
  int64_t last_warning_ms_ = INT64_MIN / 2;
  uint64_t unreported_ = 0;
  std::string last_;  // the latest unreported refusal: listen address, peer, reason
};

}  // namespace relay7
