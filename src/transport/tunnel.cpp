#include "relay7/transport/tunnel.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>

#include "relay7/event/timeval.h"
#include "relay7/pipeline/proxy_context.h"
#include "relay7/transport/flow_limits.h"
#include "relay7/upstream/shared_state.h"

namespace relay7 {
namespace {

// A tunnel may be silent for a long time by design, so a peer that vanished (a client whose
// network went away, a crashed backend host) shows only through TCP keepalive probes: the first
// after a minute of silence, then every 10 s, giving up after 6 unanswered ones.
constexpr int kKeepaliveIdleSeconds = 60;
constexpr int kKeepaliveIntervalSeconds = 10;
constexpr int kKeepaliveProbes = 6;

void enable_tcp_keepalive(int fd) {
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &kKeepaliveIdleSeconds, sizeof kKeepaliveIdleSeconds);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &kKeepaliveIntervalSeconds,
               sizeof kKeepaliveIntervalSeconds);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &kKeepaliveProbes, sizeof kKeepaliveProbes);
}

}  // namespace

Tunnel::Tunnel(ProxyContext& context, std::unique_ptr<Transport> client, IoBuffer to_upstream,
               IoBuffer to_client, std::unique_ptr<Transport> upstream, IoBuffer upstream_input)
    : context_(context),
      gauge_(context.metrics(), ConnectionState::tunnel),
      client_(std::move(client)),
      upstream_(std::move(upstream)),
      to_upstream_(std::move(to_upstream)),
      to_client_(std::move(to_client)),
      idle_limit_ms_(context.timeouts().tunnel_idle.count()),
      idle_timer_(evtimer_new(context.base(), &Tunnel::on_idle_timer, this)) {
  upstream_input.move_to(to_client_, upstream_input.size());
}

Tunnel::~Tunnel() {
  for (Transport* transport : {client_.get(), upstream_.get()}) {
    if (transport != nullptr) {
      transport->set_owner(nullptr);
    }
  }
}

void Tunnel::start() {
  for (Transport* transport : {client_.get(), upstream_.get()}) {
    transport->set_owner(this);
    transport->watch_read(true);
    enable_tcp_keepalive(transport->fd());
  }
  last_activity_ms_ = monotonic_ms();
  arm_idle_timer(idle_limit_ms_);
  // What arrived with the upgrade request or the 101 is already buffered.
  write_to(*upstream_);
  if (!closing_) {
    write_to(*client_);
  }
}

Transport& Tunnel::peer_of(const Transport& transport) {
  return &transport == client_.get() ? *upstream_ : *client_;
}

// The buffer of what is on its way to `transport`.
IoBuffer& Tunnel::output_of(const Transport& transport) {
  return &transport == client_.get() ? to_client_ : to_upstream_;
}

void Tunnel::on_transport_event(Transport& transport, TransportEvent event) {
  switch (event) {
    case TransportEvent::readable:
      read_from(transport);
      return;
    case TransportEvent::writable:
      write_to(transport);
      return;
    case TransportEvent::read_timeout:
    case TransportEvent::write_timeout:
      close();
      return;
  }
}

void Tunnel::read_from(Transport& from) {
  if (closing_) {
    return;
  }
  Transport& to = peer_of(from);
  IoBuffer& pending = output_of(to);
  if (pending.size() >= kBufferHighWatermark) {
    from.watch_read(false);  // write_to resumes it once `to` has taken enough
    return;
  }
  const ReadResult result = from.read(pending, kBufferHighWatermark - pending.size());
  switch (result.status) {
    case ReadResult::Status::data:
      last_activity_ms_ = monotonic_ms();
      write_to(to);
      return;
    case ReadResult::Status::would_block:
      return;
    case ReadResult::Status::end_of_stream:
      begin_closing();
      return;
    case ReadResult::Status::error:
      close();
      return;
  }
}

void Tunnel::write_to(Transport& to) {
  IoBuffer& pending = output_of(to);
  const bool was_full = pending.size() >= kBufferHighWatermark;
  const WriteResult result = to.write(pending);
  if (result.status == WriteResult::Status::error) {
    close();
    return;
  }
  to.watch_write(!pending.empty());
  if (closing_) {
    close_when_flushed();
    return;
  }
  if (was_full && pending.size() < kBufferHighWatermark) {
    peer_of(to).watch_read(true);
  }
}

// The tunnel does not carry a half-close: when either side ends, what is buffered for the other
// is delivered, then both close.
void Tunnel::begin_closing() {
  closing_ = true;
  client_->watch_read(false);
  upstream_->watch_read(false);
  close_when_flushed();
}

void Tunnel::close_when_flushed() {
  if (to_client_.empty() && to_upstream_.empty()) {
    close();
  }
}

void Tunnel::arm_idle_timer(int64_t delay_ms) {
  if (idle_limit_ms_ == 0 || !idle_timer_) {
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

void Tunnel::close() {
  if (idle_timer_) {
    event_del(idle_timer_.get());
  }
  for (Transport* transport : {client_.get(), upstream_.get()}) {
    transport->set_owner(nullptr);
    transport->watch_read(false);
    transport->watch_write(false);
  }
  closing_ = true;
  context_.connections().retire(this);
}

}  // namespace relay7
