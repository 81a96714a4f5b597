#pragma once

#include <cstdint>
#include <memory>

#include "relay7/event/handles.h"
#include "relay7/proxy/connection_set.h"
#include "relay7/upstream/connection_pool.h"

namespace relay7 {

class ProxyContext;

// A two-way byte pipe after a 101 Switching Protocols (WebSocket). Each direction stops reading
// while the other side's output is full. When either side closes, what is buffered for the other
// is delivered, then both close. A tunnel silent both ways for timeouts.tunnel_idle is closed,
// and both sockets send TCP keepalive probes. A draining worker leaves tunnels open until
// shutdown_timeout.
class Tunnel final : public ManagedConnection {
 public:
  Tunnel(ProxyContext& context, BufferEventPtr client,
         std::unique_ptr<UpstreamConnection> upstream);
  ~Tunnel() override;

  void start();
  void begin_drain() override {}

 private:
  static void on_read(bufferevent* bev, void* context);
  static void on_write(bufferevent* bev, void* context);
  static void on_event(bufferevent* bev, short events, void* context);
  static void on_idle_timer(evutil_socket_t fd, short events, void* context);

  bufferevent* peer_of(bufferevent* bev) const;
  void pump(bufferevent* from);
  void close_when_flushed();
  void close();
  void arm_idle_timer(int64_t delay_ms);

  ProxyContext& context_;
  BufferEventPtr client_;
  std::unique_ptr<UpstreamConnection> upstream_;
  bool closing_ = false;
  int64_t idle_limit_ms_;  // 0: no limit
  int64_t last_activity_ms_ = 0;
  EventPtr idle_timer_;
};

}  // namespace relay7
