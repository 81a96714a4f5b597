#pragma once

#include <memory>

#include "relay7/event/handles.h"
#include "relay7/proxy/connection_set.h"
#include "relay7/upstream/connection_pool.h"

namespace relay7 {

class ProxyContext;

// A two-way byte pipe after a 101 Switching Protocols (WebSocket). Each direction stops reading
// while the other side's output is full. When either side closes, what is buffered for the other
// is delivered, then both close. A draining worker leaves tunnels open until shutdown_timeout.
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

  bufferevent* peer_of(bufferevent* bev) const;
  void pump(bufferevent* from);
  void close_when_flushed();
  void close();

  ProxyContext& context_;
  BufferEventPtr client_;
  std::unique_ptr<UpstreamConnection> upstream_;
  bool closing_ = false;
};

}  // namespace relay7
