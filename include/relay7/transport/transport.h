#pragma once

#include <event2/event.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "relay7/config/config.h"
#include "relay7/event/handles.h"
#include "relay7/memory/slab_pool.h"
#include "relay7/net/socket_address.h"
#include "relay7/net/unique_fd.h"
#include "relay7/transport/io_buffer.h"

namespace relay7 {

class Transport;

// What happened on a transport, reported to its owner.
enum class TransportEvent {
  readable,  // data, end of stream or an error is waiting: read() tells which
  writable,  // the socket takes more output (or a connect finished: finish_connect() tells)
  read_timeout,
  write_timeout,
};

// Whoever uses a transport right now (a session, a pool keeping it idle, a tunnel). Called from
// the event loop; the owner may destroy the transport from inside the call.
class TransportOwner {
 public:
  virtual void on_transport_event(Transport& transport, TransportEvent event) = 0;

 protected:
  ~TransportOwner() = default;
};

struct ReadResult {
  enum class Status { data, would_block, end_of_stream, error };
  Status status;
  size_t bytes = 0;
  int error = 0;  // errno, for Status::error
};

struct WriteResult {
  enum class Status { done, would_block, error };
  Status status;
  size_t bytes = 0;
  int error = 0;
};

// One connection over a socket, as every part of relay7 uses it: the client side of an HTTP
// session, an upstream connection, a tunnel, a parked connection, a health probe. Reads go into
// and writes come from relay7's own IoBuffers; readiness comes through libevent events on the
// socket, with a timeout per direction that restarts at every event, as a socket timeout does.
//
// This is the plain implementation; TlsTransport (tls_transport.h) sits behind the same interface,
// which is why reads and writes go through it rather than to the socket. Plain transports live in
// a slab pool: an idle connection keeps one for as long as it stays open (a TlsTransport, larger,
// comes from the heap).
class Transport : public SlabAllocated<Transport> {
 public:
  // Takes `fd` (non-blocking, connected or connecting).
  Transport(event_base* base, UniqueFd fd);
  virtual ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // A new transport whose non-blocking connect to `address` is under way; watch_write() and
  // finish_connect() tell when it is done. nullptr (and errno) when no socket could be made.
  static std::unique_ptr<Transport> connect(event_base* base, const SocketAddress& address);
  // The socket of such a connect, for a transport of another kind (TLS) to take; invalid (and
  // errno) when none could be made.
  static UniqueFd connecting_socket(const SocketAddress& address);

  // nullptr: events are dropped (the transport is between owners).
  void set_owner(TransportOwner* owner) { owner_ = owner; }
  TransportOwner* owner() const { return owner_; }
  int fd() const { return fd_.get(); }
  event_base* base() const { return base_; }
  // False when the transport's read event could not be set up.
  bool valid() const { return read_event_ready_; }

  // Reads once (one readv of up to `limit` bytes) into `into`.
  virtual ReadResult read(IoBuffer& into, size_t limit);
  // Writes as much of `from` as the socket takes, consuming it.
  virtual WriteResult write(IoBuffer& from);
  virtual void shutdown_write();
  // After a connect, at each writable event: 0 when the connection is ready, EINPROGRESS when
  // it is not yet (a TLS handshake under way: the transport reports writable again when it
  // goes on), else the error that ended it.
  virtual int finish_connect();
  // What an errno-style error of this transport means, for a log line: strerror, or what TLS
  // knows (a certificate that failed verification and why).
  virtual std::string describe_error(int error) const;
  // The client chose HTTP/2 by ALPN (TLS only), known once the handshake is done.
  virtual bool negotiated_h2() const { return false; }

  // Reports readable while on; nullopt: no timeout, else read_timeout after that long without an
  // event (restarted by each one). Asking for what is already so changes nothing.
  void watch_read(bool on, std::optional<Duration> timeout = std::nullopt);
  void watch_write(bool on, std::optional<Duration> timeout = std::nullopt);
  bool watching_read() const { return watching_read_; }
  bool watching_write() const { return watching_write_; }

  // Reports readable on the next turn of the loop, whatever the socket holds: for bytes already
  // read that the owner takes up later, from a fresh call.
  void notify_readable();

 protected:
  // For a transport whose reads may have to wait for the socket to be writable, and its writes
  // for it to be readable (TLS): holds back the socket event of one direction without changing
  // what the owner asked for, and restores it (with the owner's timeout) when released.
  void hold_read_event(bool held);
  void hold_write_event(bool held);
  // The owner's timeouts, for a wait that stands in for one of its directions.
  std::optional<Duration> read_timeout() const;
  std::optional<Duration> write_timeout() const;
  // Called when the owner starts watching reads: bytes the transport holds already (decrypted, or
  // left in a TLS record) would never wake the socket.
  virtual void on_read_watch_started() {}
  void deliver(TransportEvent event);

 private:
  // libevent's `struct event` is 128 bytes in 2.1 on 64-bit systems: kept inside the transport
  // (event_assign), so an idle connection costs one allocation less. A libevent whose event is
  // larger (event_get_struct_event_size()) gets it allocated instead.
  static constexpr size_t kEventStorage = 128;
  // A timeout that is not set, in the *_timeout_ms_ fields (a std::optional<Duration> would take
  // twice the room, and a transport is most of what an idle connection costs).
  static constexpr Duration::rep kNoTimeout = -1;
  static Duration::rep timeout_ms(std::optional<Duration> timeout);

  static void on_read_event(evutil_socket_t fd, short what, void* context);
  static void on_write_event(evutil_socket_t fd, short what, void* context);
  event* read_event() {
    return read_event_heap_ ? read_event_heap_.get()
                            : reinterpret_cast<event*>(read_event_storage_);
  }
  bool ensure_write_event();
  void remove_events();

  event_base* base_;
  UniqueFd fd_;  // the events are deleted (remove_events) before the socket closes
  // Bits, so that they share the word after fd_ with it: 192 bytes a transport, not 208.
  bool read_event_ready_ : 1 = false;
  bool watching_read_ : 1 = false;
  bool watching_write_ : 1 = false;
  bool read_held_ : 1 = false;
  bool write_held_ : 1 = false;
  alignas(alignof(void*)) unsigned char read_event_storage_[kEventStorage];  // pointers and longs
  EventPtr read_event_heap_;  // only when the event does not fit read_event_storage_
  EventPtr write_event_;      // made on first use: most connections never wait to write
  TransportOwner* owner_ = nullptr;
  Duration::rep read_timeout_ms_ = kNoTimeout;
  Duration::rep write_timeout_ms_ = kNoTimeout;
};

}  // namespace relay7
