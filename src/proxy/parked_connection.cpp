#include "relay7/proxy/parked_connection.h"

#include <spdlog/spdlog.h>

#include <cstring>
#include <new>

#include "relay7/proxy/client_connection.h"
#include "relay7/proxy/proxy_context.h"

namespace relay7 {

ParkedConnection::ParkedConnection(ProxyContext& context, UniqueFd fd, const SocketAddress& peer,
                                   size_t listener_index, Duration wait)
    : context_(context),
      fd_(std::move(fd)),
      peer_length_(fits(peer) ? peer.length : 0),
      listener_index_(listener_index),
      event_(event_new(context.base(), fd_.get(), EV_READ, &ParkedConnection::on_ready, this)) {
  std::memcpy(&peer_, &peer.storage, peer_length_);
  if (event_ && !arm(wait)) {
    event_.reset();
  }
}

ParkedConnection::~ParkedConnection() = default;

void ParkedConnection::begin_drain() {
  // A request may be on its way: it still gets an answer (with Connection: close) for a moment.
  if (!arm(std::min(kIdleDrainGrace, context_.timeouts().keepalive))) {
    context_.connections().retire(this);
  }
}

bool ParkedConnection::arm(Duration wait) {
  const timeval tv = to_timeval(wait);
  return event_add(event_.get(), &tv) == 0;
}

void ParkedConnection::on_ready(evutil_socket_t, short what, void* context) {
  auto* self = static_cast<ParkedConnection*>(context);
  if ((what & EV_READ) != 0) {
    self->unpark();
  }
  self->context_.connections().retire(self);
}

void ParkedConnection::unpark() {
  spdlog::debug("client {} unparked", peer().host_string());
  try {
    ClientConnection::open(context_, std::move(fd_), peer(), listener_index_);
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
