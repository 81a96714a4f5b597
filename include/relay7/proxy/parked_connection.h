#pragma once

#include <event2/event.h>
#include <netinet/in.h>

#include <cstddef>

#include "relay7/event/handles.h"
#include "relay7/net/socket_address.h"
#include "relay7/net/unique_fd.h"
#include "relay7/proxy/connection_set.h"
#include "relay7/proxy/timeouts.h"

namespace relay7 {

class ProxyContext;

// An idle client connection reduced to its socket, its peer and one event: what a keep-alive
// client waiting between requests costs. A ClientConnection holds a bufferevent, two buffers, a
// parser and its header strings (about 2.5 KiB); a parked one about 0.3 KiB, which is what lets
// a worker keep tens of thousands of idle clients. The first byte (or EOF) the client sends
// rebuilds a ClientConnection around the socket; the wait running out closes it.
class ParkedConnection final : public ManagedConnection {
 public:
  // Takes `fd`; the connection closes it when `wait` passes with nothing read.
  ParkedConnection(ProxyContext& context, UniqueFd fd, const SocketAddress& peer,
                   size_t listener_index, Duration wait);
  ~ParkedConnection() override;

  // False when libevent could not allocate or register the connection's event.
  bool valid() const { return event_ != nullptr; }
  // Whether an address of this length can be kept by a parked connection.
  static bool fits(const SocketAddress& peer) { return peer.length <= sizeof(sockaddr_in6); }

  void begin_drain() override;

 private:
  static void on_ready(evutil_socket_t fd, short what, void* context);
  bool arm(Duration wait);
  void unpark();
  SocketAddress peer() const;

  ProxyContext& context_;
  UniqueFd fd_;          // declared before event_, so the event is deleted before the socket closes
  sockaddr_in6 peer_{};  // large enough for either family; sockaddr_storage would be 128 bytes
  socklen_t peer_length_;
  size_t listener_index_;
  EventPtr event_;
};

}  // namespace relay7
