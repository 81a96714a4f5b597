#pragma once

#include <event2/event.h>

#include <memory>
#include <unordered_map>
#include <vector>

#include "relay7/event/handles.h"

namespace relay7 {

// Anything destroyed through ConnectionSet::retire: it may be retired from inside its own
// libevent callback, so destruction waits until that callback has returned.
class Retirable {
 public:
  virtual ~Retirable() = default;
};

// A client-facing connection (HTTP session or tunnel) the worker tracks for draining.
class ManagedConnection : public Retirable {
 public:
  // Stop taking new requests; finish what is in flight, then close.
  virtual void begin_drain() = 0;
};

class ConnectionSet {
 public:
  explicit ConnectionSet(event_base* base);
  ConnectionSet(const ConnectionSet&) = delete;
  ConnectionSet& operator=(const ConnectionSet&) = delete;

  ManagedConnection& add(std::unique_ptr<ManagedConnection> connection);
  // Removes a connection from the live set and destroys it once the current callback returns.
  void retire(ManagedConnection* connection);
  // Destroys anything (an exchange, a connection) once the current callback returns.
  void retire_later(std::unique_ptr<Retirable> object);

  void drain_all();
  void close_all();
  size_t live_count() const { return live_.size(); }

 private:
  static void on_reap(evutil_socket_t, short, void* context);
  void schedule_reap();

  std::unordered_map<ManagedConnection*, std::unique_ptr<ManagedConnection>> live_;
  std::vector<std::unique_ptr<Retirable>> retired_;
  std::vector<std::unique_ptr<Retirable>> reaping_;  // swapped with retired_: both keep capacity
  EventPtr reaper_;
};

}  // namespace relay7
