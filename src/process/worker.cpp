#include "relay7/process/worker.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>

#include <csignal>

#include "relay7/event/timeval.h"
#include "relay7/http1/server_session.h"
#include "relay7/http2/server_session.h"
#include "relay7/log/error_log.h"
#include "relay7/transport/tls_transport.h"

namespace relay7 {
namespace {

// The housekeeping period: access log flush, idle upstream connections beyond keepalive,
// addresses of upstream names, draining progress, resuming accept after EMFILE.
constexpr Duration kTick{std::chrono::milliseconds(100)};

}  // namespace

Worker::Worker(std::shared_ptr<const Config> config, std::shared_ptr<AccessLog> access_log,
               const std::vector<AcceptSocket>& sockets, const SharedStateHandle& shared,
               const MetricsHandle& metrics)
    : base_(event_base_new()) {
  context_ = std::make_unique<ProxyContext>(base_.get(), std::move(config), std::move(access_log),
                                            shared, metrics);
  if (shared.runs_health_checks) {
    health_checker_ = std::make_unique<HealthChecker>(base_.get(), context_->response_limits(),
                                                      context_->upstreams());
  }
  for (const ListenerRoutes& listener : context_->routes().listeners()) {
    tls_listeners_.push_back(
        listener.tls ? std::make_unique<TlsListener>(listener, context_->config().servers)
                     : nullptr);
  }
  for (const AcceptSocket& socket : sockets) {
    auto slot = std::make_unique<ListenerSlot>(ListenerSlot{this, socket.listener, nullptr});
    // Backlog 0: libevent must not call listen() itself. A socket of a new generation joins its
    // SO_REUSEPORT group, and starts getting connections, when the master promotes the
    // generation, not when a worker that may never be promoted starts.
    slot->listener.reset(evconnlistener_new(base_.get(), &Worker::on_accept, slot.get(),
                                            LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_DISABLED, 0,
                                            socket.fd));
    evconnlistener_set_error_cb(slot->listener.get(), &Worker::on_accept_error);
    listeners_.push_back(std::move(slot));
  }
  for (int signal : {SIGQUIT, SIGTERM, SIGINT, SIGUSR1, SIGUSR2}) {
    add_signal(signal);
  }
  tick_.reset(event_new(base_.get(), -1, EV_PERSIST, &Worker::on_tick, this));
  const timeval tick = to_timeval(kTick);
  evtimer_add(tick_.get(), &tick);
}

Worker::~Worker() {
  // Connections and pools hold libevent objects of base_: free them while it still exists.
  health_checker_.reset();
  proxy_headers_.clear();
  listeners_.clear();
  context_.reset();
}

void Worker::add_signal(int signal) {
  signals_.emplace_back(evsignal_new(base_.get(), signal, &Worker::on_signal, this));
  evsignal_add(signals_.back().get(), nullptr);
}

int Worker::run() {
  event_base_dispatch(base_.get());
  context_->access_log().flush();
  return 0;
}

void Worker::start_accepting() {
  if (accepting_ || draining_) {
    return;
  }
  accepting_ = true;
  for (auto& slot : listeners_) {
    evconnlistener_enable(slot->listener.get());
  }
  if (health_checker_) {
    health_checker_->start();
  }
}

void Worker::pause_accepting() {
  for (auto& listener : listeners_) {
    evconnlistener_disable(listener->listener.get());
  }
  accept_paused_ = true;
}

void Worker::drain() {
  if (draining_) {
    return;
  }
  draining_ = true;
  for (auto& slot : listeners_) {
    evconnlistener_disable(slot->listener.get());
  }
  if (health_checker_) {
    health_checker_->stop();  // the new generation's checker takes over the same slots
  }
  if (on_drain_started_) {
    on_drain_started_();
  }
  proxy_headers_.clear();
  context_->set_draining();
  context_->close_idle_upstreams();
  context_->connections().drain_all();
  shutdown_deadline_.reset(evtimer_new(base_.get(), &Worker::on_shutdown_deadline, this));
  const timeval deadline = to_timeval(context_->config().shutdown_timeout);
  evtimer_add(shutdown_deadline_.get(), &deadline);
  spdlog::info("draining {} connection(s)", context_->connections().live_count());
}

void Worker::stop() {
  proxy_headers_.clear();
  context_->connections().close_all();
  event_base_loopexit(base_.get(), nullptr);
}

void Worker::reopen_logs() {
  const Config& config = context_->config();
  std::string error;
  if (!configure_error_log(config.error_log, error)) {
    spdlog::error("{}", error);
  }
  if (!context_->access_log().reopen(config.access_log, error)) {
    spdlog::error("{}", error);
  }
}

void Worker::on_accept(evconnlistener*, evutil_socket_t fd, sockaddr* address, int length,
                       void* context) {
  auto* slot = static_cast<ListenerSlot*>(context);
  slot->worker->accept_connection(slot->index, fd, address, length);
}

void Worker::accept_connection(size_t listener_index, evutil_socket_t fd, const sockaddr* address,
                               int length) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (!served_) {
    served_ = true;
    if (on_first_connection_) {
      on_first_connection_();
    }
  }
  const SocketAddress peer = socket_address_from(address, static_cast<socklen_t>(length));
  const ListenerRoutes& listener = context_->routes().listeners()[listener_index];
  if (!listener.proxy_protocol) {
    start_session(listener_index, UniqueFd(fd), peer);
    return;
  }
  try {
    auto reader = std::make_unique<ProxyHeaderReader>(
        base_.get(), UniqueFd(fd), peer, listener_index, context_->config().timeouts.client_header,
        static_cast<ProxyHeaderOwner&>(*this));
    ProxyHeaderReader* key = reader.get();
    proxy_headers_.emplace(key, std::move(reader));
  } catch (const std::bad_alloc&) {
    spdlog::error("out of memory accepting a connection");
    return;
  }
  if (connection_count() >= context_->config().worker_connections) {
    pause_accepting();
  }
}

void Worker::on_proxy_header(ProxyHeaderReader& reader, UniqueFd fd, const SocketAddress& peer) {
  const size_t listener_index = reader.listener();
  proxy_headers_.erase(&reader);
  start_session(listener_index, std::move(fd), peer);
}

void Worker::on_proxy_header_failed(ProxyHeaderReader& reader, const char* reason) {
  if (reason != nullptr) {
    proxy_refusals_.note(context_->routes().listeners()[reader.listener()].address_text,
                         reader.socket_peer(), reason, monotonic_ms());
  }
  proxy_headers_.erase(&reader);
}

size_t Worker::connection_count() const {
  return context_->connections().live_count() + proxy_headers_.size();
}

void Worker::start_session(size_t listener_index, UniqueFd fd, const SocketAddress& peer) {
  try {
    auto transport = make_client_transport(listener_index, std::move(fd));
    if (!transport->valid()) {
      return;  // the transport closes the socket
    }
    if (context_->routes().listeners()[listener_index].h2c) {
      Http2ServerSession::open(*context_, std::move(transport), peer, listener_index,
                               IoBuffer(context_->blocks()));
    } else {
      Http1ServerSession::open(*context_, std::move(transport), peer, listener_index);
    }
    if (connection_count() >= context_->config().worker_connections) {
      // At the limit: leave further connections in this worker's socket backlog (its share of
      // new connections waits there) rather than accept what cannot be served; on_tick resumes.
      pause_accepting();
    }
  } catch (const std::bad_alloc&) {
    spdlog::error("out of memory accepting a connection");
  }
}

std::unique_ptr<Transport> Worker::make_client_transport(size_t listener_index, UniqueFd fd) {
  const TlsListener* tls = tls_listeners_[listener_index].get();
  if (tls == nullptr) {
    return std::make_unique<Transport>(base_.get(), std::move(fd));
  }
  auto transport = std::make_unique<TlsTransport>(
      base_.get(), std::move(fd), tls->initial_context(), tls, tls->handshake_timeout());
  transport->count_handshake_in(&context_->metrics());
  return transport;
}

// Out of descriptors: stop accepting for a tick instead of spinning on a listener that stays
// readable; the connections wait in the kernel's backlog meanwhile.
void Worker::on_accept_error(evconnlistener*, void* context) {
  auto* slot = static_cast<ListenerSlot*>(context);
  Worker* self = slot->worker;
  spdlog::error("accept failed: {}", evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
  self->pause_accepting();
}

void Worker::on_signal(evutil_socket_t signal, short, void* context) {
  auto* self = static_cast<Worker*>(context);
  if (signal == SIGQUIT) {
    self->drain();
  } else if (signal == SIGUSR1) {
    self->reopen_logs();
  } else if (signal == SIGUSR2) {
    self->start_accepting();
  } else {
    self->stop();
  }
}

void Worker::on_tick(evutil_socket_t, short, void* context) {
  auto* self = static_cast<Worker*>(context);
  self->context_->access_log().flush();
  self->context_->trim_idle_upstreams();
  self->context_->heap_trimmer().maybe_trim(monotonic_ms(), self->context_->blocks());
  if (self->context_->refresh_upstream_members() && self->health_checker_) {
    self->health_checker_->sync();
  }
  self->proxy_refusals_.flush(monotonic_ms());
  if (self->accept_paused_ && self->accepting_ && !self->draining_ &&
      self->connection_count() < self->context_->config().worker_connections) {
    self->accept_paused_ = false;
    for (auto& listener : self->listeners_) {
      evconnlistener_enable(listener->listener.get());
    }
  }
  if (self->draining_ && self->context_->connections().live_count() == 0) {
    event_base_loopexit(self->base_.get(), nullptr);
  }
}

void Worker::on_shutdown_deadline(evutil_socket_t, short, void* context) {
  auto* self = static_cast<Worker*>(context);
  spdlog::info("shutdown_timeout reached: closing {} connection(s)",
               self->context_->connections().live_count());
  self->stop();
}

}  // namespace relay7
