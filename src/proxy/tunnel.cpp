#include "relay7/proxy/tunnel.h"

#include "relay7/event/bulk_read.h"
#include "relay7/proxy/proxy_context.h"
#include "relay7/proxy/timeouts.h"

namespace relay7 {

Tunnel::Tunnel(ProxyContext& context, BufferEventPtr client,
               std::unique_ptr<UpstreamConnection> upstream)
    : context_(context), client_(std::move(client)), upstream_(std::move(upstream)) {}

Tunnel::~Tunnel() {
  for (bufferevent* bev : {client_.get(), upstream_ ? upstream_->bev() : nullptr}) {
    if (bev != nullptr) {
      bufferevent_setcb(bev, nullptr, nullptr, nullptr, nullptr);
    }
  }
}

void Tunnel::start() {
  for (bufferevent* bev : {client_.get(), upstream_->bev()}) {
    bufferevent_setcb(bev, &Tunnel::on_read, &Tunnel::on_write, &Tunnel::on_event, this);
    bufferevent_setwatermark(bev, EV_READ, 0, kBufferHighWatermark);
    bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
    allow_large_writes(bev, kBufferHighWatermark);
    bufferevent_set_timeouts(bev, nullptr, nullptr);
    bufferevent_enable(bev, EV_READ | EV_WRITE);
  }
  // Bytes that arrived with the upgrade request or the 101 are already buffered.
  pump(client_.get());
  pump(upstream_->bev());
}

bufferevent* Tunnel::peer_of(bufferevent* bev) const {
  return bev == client_.get() ? upstream_->bev() : client_.get();
}

void Tunnel::pump(bufferevent* from) {
  if (closing_) {
    return;
  }
  bufferevent* to = peer_of(from);
  evbuffer* output = bufferevent_get_output(to);
  evbuffer_add_buffer(output, bufferevent_get_input(from));
  if (evbuffer_get_length(output) > kBufferHighWatermark) {
    bufferevent_disable(from, EV_READ);  // on_write of `to` resumes it
  }
}

void Tunnel::on_read(bufferevent* bev, void* context) {
  read_what_is_ready(bev, kBufferHighWatermark);
  static_cast<Tunnel*>(context)->pump(bev);
}

void Tunnel::on_write(bufferevent* bev, void* context) {
  auto* self = static_cast<Tunnel*>(context);
  if (self->closing_) {
    self->close_when_flushed();
    return;
  }
  bufferevent_enable(self->peer_of(bev), EV_READ);
}

void Tunnel::on_event(bufferevent* bev, short events, void* context) {
  auto* self = static_cast<Tunnel*>(context);
  if (events & BEV_EVENT_EOF) {
    self->pump(bev);
    self->closing_ = true;
    bufferevent_disable(self->client_.get(), EV_READ);
    bufferevent_disable(self->upstream_->bev(), EV_READ);
    self->close_when_flushed();
    return;
  }
  self->close();
}

void Tunnel::close_when_flushed() {
  if (evbuffer_get_length(bufferevent_get_output(client_.get())) == 0 &&
      evbuffer_get_length(bufferevent_get_output(upstream_->bev())) == 0) {
    close();
  }
}

void Tunnel::close() {
  closing_ = true;
  bufferevent_setcb(client_.get(), nullptr, nullptr, nullptr, nullptr);
  bufferevent_setcb(upstream_->bev(), nullptr, nullptr, nullptr, nullptr);
  bufferevent_disable(client_.get(), EV_READ | EV_WRITE);
  bufferevent_disable(upstream_->bev(), EV_READ | EV_WRITE);
  context_.connections().retire(this);
}

}  // namespace relay7
