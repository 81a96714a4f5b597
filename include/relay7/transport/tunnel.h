#pragma once

#include <cstdint>
#include <memory>

#include "relay7/event/handles.h"
#include "relay7/metrics/connection_gauge.h"
#include "relay7/transport/connection_set.h"
#include "relay7/transport/io_buffer.h"
#include "relay7/transport/transport.h"

namespace relay7 {

class ProxyContext;

// A two-way byte pipe after a 101 Switching Protocols (WebSocket). Each direction stops reading
// while the other side's output is full. When either side closes, what is buffered for the other
// is delivered, then both close. A tunnel silent both ways for timeouts.tunnel_idle is closed,
// and both sockets send TCP keepalive probes. A draining worker leaves tunnels open until
// shutdown_timeout.
class Tunnel final : public ManagedConnection, private TransportOwner {
 public:
  // `to_upstream`: what the client sent after its upgrade request; `to_client`: what is still
  // queued for the client (the 101) followed by what the backend sent after it.
  Tunnel(ProxyContext& context, std::unique_ptr<Transport> client, IoBuffer to_upstream,
         IoBuffer to_client, std::unique_ptr<Transport> upstream, IoBuffer upstream_input);
  ~Tunnel() override;

  void start();
  void begin_drain() override {}

 private:
  void on_transport_event(Transport& transport, TransportEvent event) override;
  static void on_idle_timer(evutil_socket_t fd, short events, void* context);

  Transport& peer_of(const Transport& transport);
  IoBuffer& output_of(const Transport& transport);
  void read_from(Transport& from);
  void write_to(Transport& to);
  void begin_closing();
  void close_when_flushed();
  void close();
  void arm_idle_timer(int64_t delay_ms);

  ProxyContext& context_;
  ConnectionGauge gauge_;  // relay7_connections{state}
  std::unique_ptr<Transport> client_;
  std::unique_ptr<Transport> upstream_;
  IoBuffer to_upstream_;
  IoBuffer to_client_;
  bool closing_ = false;
  int64_t idle_limit_ms_;  // 0: no limit
  int64_t last_activity_ms_ = 0;
  EventPtr idle_timer_;
};

}  // namespace relay7
