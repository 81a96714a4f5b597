#pragma once

#include <event2/event.h>

#include <memory>
#include <vector>

#include "relay7/event/handles.h"

namespace relay7 {

// Anything destroyed through ConnectionSet::retire: it may be retired from inside its own
// libevent callback, so destruction waits until that callback has returned.
class Retirable {
 public:
  virtual ~Retirable() = default;
};

// A client-facing connection (HTTP session, parked connection or tunnel) the worker tracks for
// draining. It is linked into its ConnectionSet itself: tracking a connection allocates nothing,
// which matters for a worker holding tens of thousands of idle ones.
class ManagedConnection : public Retirable {
 public:
  // Stop taking new requests; finish what is in flight, then close.
  virtual void begin_drain() = 0;

 private:
  friend class ConnectionSet;
  ManagedConnection* previous_ = nullptr;
  ManagedConnection* next_ = nullptr;
  bool live_ = false;  // in a ConnectionSet's live list
};

class ConnectionSet {
 public:
  explicit ConnectionSet(event_base* base);
  ~ConnectionSet();
  ConnectionSet(const ConnectionSet&) = delete;
  ConnectionSet& operator=(const ConnectionSet&) = delete;

  ManagedConnection& add(std::unique_ptr<ManagedConnection> connection);
  // Removes a connection from the live set and destroys it once the current callback returns.
  void retire(ManagedConnection* connection);
  // Destroys anything (an exchange, a connection) once the current callback returns.
  void retire_later(std::unique_ptr<Retirable> object);

  void drain_all();
  void close_all();
  size_t live_count() const { return live_count_; }

 private:
  static void on_reap(evutil_socket_t, short, void* context);
  void schedule_reap();
  // Takes `connection` out of the live list and gives its ownership back.
  std::unique_ptr<ManagedConnection> unlink(ManagedConnection* connection);

  // The live connections, owned by the set: add() takes the unique_ptr apart into this list and
  // unlink() puts it together again, so every connection is destroyed through one.
  ManagedConnection* first_ = nullptr;
  size_t live_count_ = 0;
  std::vector<std::unique_ptr<Retirable>> retired_;
  std::vector<std::unique_ptr<Retirable>> reaping_;  // swapped with retired_: both keep capacity
  EventPtr reaper_;
};

}  // namespace relay7
