#include "relay7/http1/parked_connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <new>

#include "relay7/http1/idle_timing.h"
#include "relay7/http1/server_session.h"
#include "relay7/pipeline/proxy_context.h"

namespace relay7 {

ParkedConnection::ParkedConnection(ProxyContext& context, std::unique_ptr<Transport> transport,
                                   const SocketAddress& peer, size_t listener_index, Duration wait)
    : context_(context),
      transport_(std::move(transport)),
      peer_length_(fits(peer) ? peer.length : 0),
      listener_index_(static_cast<uint32_t>(listener_index)) {
  std::memcpy(&peer_, &peer.storage, peer_length_);
  // Not a ConnectionGauge member: a parked connection is kept as small as it can be.
  context_.metrics().connection_entered(ConnectionState::parked);
  transport_->set_owner(this);
  transport_->watch_write(false);
  transport_->watch_read(true, wait);
}

ParkedConnection::~ParkedConnection() {
  context_.metrics().connection_left(ConnectionState::parked);
  if (transport_) {
    transport_->set_owner(nullptr);
  }
}

void ParkedConnection::begin_drain() {
  // A request may be on its way: it still gets an answer (with Connection: close) for a moment.
  transport_->watch_read(true, std::min(kIdleDrainGrace, context_.timeouts().keepalive));
}

void ParkedConnection::on_transport_event(Transport&, TransportEvent event) {
  if (event == TransportEvent::readable) {
    unpark();
  }
  context_.connections().retire(this);
}

void ParkedConnection::unpark() {
  spdlog::debug("client {} unparked", peer().host_string());
  try {
    Http1ServerSession::open(context_, std::move(transport_), peer(), listener_index_);
  } catch (const std::bad_alloc&) {
    spdlog::error("out of memory resuming an idle connection");
  }
}

SocketAddress ParkedConnection::peer() const {
  SocketAddress address;
  std::memcpy(&address.storage, &peer_, peer_length_);
  address.length = peer_length_;
  return address;
}

}  // namespace relay7
