#pragma once

#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/event/handles.h"
#include "relay7/log/access_log.h"
#include "relay7/metrics/metrics_recorder.h"
#include "relay7/net/proxy_header_reader.h"
#include "relay7/pipeline/proxy_context.h"
#include "relay7/process/accept_socket.h"
#include "relay7/tls/tls_listener.h"
#include "relay7/transport/transport.h"
#include "relay7/upstream/health_checker.h"
#include "relay7/upstream/shared_state.h"

namespace relay7 {

// One event loop serving one config: its listeners, its client connections, its upstream pools.
// The listening sockets are inherited (the master owns them); the worker only accepts on them.
//
// It accepts nothing until start_accepting() (SIGUSR2 from the master): a new generation only
// takes connections once all of it is ready, so a reload switches tables at one moment and a
// generation that fails to start never served anything.
//
// Signals: SIGUSR2 starts accepting; SIGQUIT drains (stop accepting, finish in-flight requests,
// exit; bounded by shutdown_timeout); SIGTERM and SIGINT stop at once; SIGUSR1 reopens the log
// files.
class Worker final : private ProxyHeaderOwner {
 public:
  // Accepts on `sockets`, which listen already (the master called listen(), or will before
  // start_accepting()). The worker whose handle says so also runs the instance's health checks,
  // from start_accepting() until drain().
  Worker(std::shared_ptr<const Config> config, std::shared_ptr<AccessLog> access_log,
         const std::vector<AcceptSocket>& sockets, const SharedStateHandle& shared,
         const MetricsHandle& metrics);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Runs until stopped or drained; returns the process exit status.
  int run();
  void start_accepting();
  void drain();
  void stop();
  void reopen_logs();
  // Called once drain() has stopped accepting.
  void on_drain_started(std::function<void()> callback) { on_drain_started_ = std::move(callback); }
  // Called when the worker accepts its first connection.
  void on_first_connection(std::function<void()> callback) {
    on_first_connection_ = std::move(callback);
  }

 private:
  struct ListenerSlot {
    Worker* worker;
    size_t index;
    ListenerPtr listener;
  };

  static void on_accept(evconnlistener* listener, evutil_socket_t fd, sockaddr* address, int length,
                        void* context);
  static void on_accept_error(evconnlistener* listener, void* context);
  static void on_signal(evutil_socket_t signal, short events, void* context);
  static void on_tick(evutil_socket_t fd, short events, void* context);
  static void on_shutdown_deadline(evutil_socket_t fd, short events, void* context);

  void accept_connection(size_t listener_index, evutil_socket_t fd, const sockaddr* address,
                         int length);
  // Starts the connection's TLS or HTTP stage, once the peer is known (after the PROXY header on
  // a proxy_protocol listener).
  void start_session(size_t listener_index, UniqueFd fd, const SocketAddress& peer);
  void on_proxy_header(ProxyHeaderReader& reader, UniqueFd fd, const SocketAddress& peer) override;
  void on_proxy_header_failed(ProxyHeaderReader& reader, const char* reason) override;
  // Connections served or waiting for their PROXY header, against worker_connections.
  size_t connection_count() const;
  // A plain transport, or a TLS one on a listener whose blocks serve TLS. Throws std::bad_alloc.
  std::unique_ptr<Transport> make_client_transport(size_t listener_index, UniqueFd fd);
  void add_signal(int signal);
  // Stops accepting until on_tick finds room again (descriptors or worker_connections).
  void pause_accepting();

  EventBasePtr base_;  // declared first: everything below uses it and must go before it
  std::unique_ptr<ProxyContext> context_;
  std::unique_ptr<HealthChecker> health_checker_;  // null unless this worker probes
  std::vector<std::unique_ptr<ListenerSlot>> listeners_;
  // By listener index (RouteTable::listeners()); null for a plain listener.
  std::vector<std::unique_ptr<TlsListener>> tls_listeners_;
  // Connections of proxy_protocol listeners until their header is read; not sessions yet, so
  // draining closes them (they have sent no request).
  std::unordered_map<ProxyHeaderReader*, std::unique_ptr<ProxyHeaderReader>> proxy_headers_;
  ProxyRefusalLog proxy_refusals_;
  std::vector<EventPtr> signals_;
  EventPtr tick_;
  EventPtr shutdown_deadline_;
  std::function<void()> on_drain_started_;
  std::function<void()> on_first_connection_;
  bool accepting_ = false;
  bool served_ = false;
  bool draining_ = false;
  bool accept_paused_ = false;
};

}  // namespace relay7
