#pragma once

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "relay7/config/config.h"
#include "relay7/memory/slab_pool.h"
#include "relay7/net/socket_address.h"
#include "relay7/transport/connection_set.h"
#include "relay7/transport/transport.h"

namespace relay7 {

class ProxyContext;

// An idle client connection reduced to its transport (a socket and its read event) and its peer:
// what a keep-alive client waiting between requests costs. A session holds a parser, its header
// strings and buffers; a parked connection only this, which is what lets a worker keep tens of
// thousands of idle clients. The first byte (or the end) the client sends rebuilds an HTTP/1
// server session around the transport; the wait running out closes it. Allocated from a slab
// pool, beside the transports, so that the freed sessions' pages can go back to the system.
class ParkedConnection final : public ManagedConnection,
                               private TransportOwner,
                               public SlabAllocated<ParkedConnection> {
 public:
  // The connection closes when `wait` passes with nothing read.
  ParkedConnection(ProxyContext& context, std::unique_ptr<Transport> transport,
                   const SocketAddress& peer, size_t listener_index, Duration wait);
  ~ParkedConnection() override;

  // False when the transport could not watch its socket.
  bool valid() const { return transport_ != nullptr && transport_->valid(); }
  // Whether an address of this length can be kept by a parked connection.
  static bool fits(const SocketAddress& peer) { return peer.length <= sizeof(sockaddr_in6); }

  void begin_drain() override;

 private:
  void on_transport_event(Transport& transport, TransportEvent event) override;
  void unpark();
  SocketAddress peer() const;

  ProxyContext& context_;
  std::unique_ptr<Transport> transport_;
  sockaddr_in6 peer_{};  // large enough for either family; sockaddr_storage would be 128 bytes
  socklen_t peer_length_;
  uint32_t listener_index_;  // a worker listens on a handful of addresses, not 2^32
};

}  // namespace relay7
