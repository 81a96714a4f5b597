#include "relay7/proxy/tunnel.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include "relay7/event/bulk_read.h"
#include "relay7/proxy/proxy_context.h"
#include "relay7/proxy/timeouts.h"
#include "relay7/upstream/shared_state.h"

namespace relay7 {

namespace {

// A tunnel may be silent for a long time by design, so a peer that vanished (a client whose
// network went away, a crashed backend host) shows only through TCP keepalive probes: the first
// after a minute of silence, then every 10 s, giving up after 6 unanswered ones.
constexpr int kKeepaliveIdleSeconds = 60;
constexpr int kKeepaliveIntervalSeconds = 10;
constexpr int kKeepaliveProbes = 6;

void enable_tcp_keepalive(evutil_socket_t fd) {
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &kKeepaliveIdleSeconds, sizeof kKeepaliveIdleSeconds);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &kKeepaliveIntervalSeconds,
               sizeof kKeepaliveIntervalSeconds);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &kKeepaliveProbes, sizeof kKeepaliveProbes);
}

}  // namespace

Tunnel::Tunnel(ProxyContext& context, BufferEventPtr client,
               std::unique_ptr<UpstreamConnection> upstream)
    : context_(context),
      client_(std::move(client)),
      upstream_(std::move(upstream)),
      idle_limit_ms_(context.timeouts().tunnel_idle.count()),
      idle_timer_(evtimer_new(context.base(), &Tunnel::on_idle_timer, this)) {}

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
    enable_tcp_keepalive(bufferevent_getfd(bev));
  }
  last_activity_ms_ = monotonic_ms();
  arm_idle_timer(idle_limit_ms_);
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
  auto* self = static_cast<Tunnel*>(context);
  self->last_activity_ms_ = monotonic_ms();
  self->pump(bev);
}

void Tunnel::arm_idle_timer(int64_t delay_ms) {
  if (idle_limit_ms_ == 0) {
    return;  // timeouts.tunnel_idle "0s": tunnels never time out
  }
  const timeval delay = to_timeval(Duration(delay_ms));
  evtimer_add(idle_timer_.get(), &delay);
}

// The timer runs once per idle_limit, not once per read: a read only records the time.
void Tunnel::on_idle_timer(evutil_socket_t, short, void* context) {
  auto* self = static_cast<Tunnel*>(context);
  const int64_t silent_ms = monotonic_ms() - self->last_activity_ms_;
  if (silent_ms < self->idle_limit_ms_) {
    self->arm_idle_timer(self->idle_limit_ms_ - silent_ms);
    return;
  }
  spdlog::info("closing a tunnel silent for {} ms (timeouts.tunnel_idle)", silent_ms);
  self->close();
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
  event_del(idle_timer_.get());
  bufferevent_setcb(client_.get(), nullptr, nullptr, nullptr, nullptr);
  bufferevent_setcb(upstream_->bev(), nullptr, nullptr, nullptr, nullptr);
  bufferevent_disable(client_.get(), EV_READ | EV_WRITE);
  bufferevent_disable(upstream_->bev(), EV_READ | EV_WRITE);
  context_.connections().retire(this);
}

}  // namespace relay7
