#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include "relay7/tls/handles.h"

#include "relay7/tls/server_context.h"
#include "relay7/tls/tls_peer.h"
#include "relay7/transport/transport.h"

namespace relay7 {

class MetricsRecorder;  // relay7/metrics/metrics_recorder.h

// A Transport that speaks TLS over its non-blocking socket: what is read and written through it
// is the plaintext, so the session above is the one plain connections have.
//
// Server side (a client connection of a TLS listener): the handshake runs inside the first
// reads; until it is done they would block. When it is not
// done `handshake_timeout` after the accept, the owner gets read_timeout and reads fail with
// ETIMEDOUT. A TLS read may need the socket writable (a
// handshake flight, session tickets) and a write may need it readable: the transport then holds
// back the owner's event of that direction, waits for the other readiness itself, and reports it
// to the owner as the readiness it asked for. Decrypted bytes OpenSSL holds do not wake the
// socket, so the transport reports them itself when the owner (re)starts reading. A transport
// that goes away after a complete handshake sends close_notify.
//
// Client side (an upstream connection, a health probe): connect() starts the TCP connect; the
// owner's writable events then drive the handshake through finish_connect(), which says
// EINPROGRESS until it is done, so the owner's connect timeout bounds both. The server's
// certificate is verified (when the context says so) for the peer's server_name, which is sent
// as SNI unless it is an IP address; the peer's last session is offered for resumption, and new
// ones are stored back into it.
class TlsTransport final : public Transport {
 public:
  // A client transport whose connect to `address` is under way. nullptr (and errno) when no
  // socket or TLS object could be made; never throws (it runs inside event callbacks).
  static std::unique_ptr<Transport> connect(event_base* base, const SocketAddress& address,
                                            std::shared_ptr<TlsPeer> peer) noexcept;

  // `context` starts the handshake; `selector` (may be null) switches it by SNI and must outlive
  // the transport. Throws std::bad_alloc when OpenSSL or libevent cannot make their objects.
  TlsTransport(event_base* base, UniqueFd fd, SSL_CTX* context, const TlsContextSelector* selector,
               Duration handshake_timeout);
  // Client side over `fd`, connecting or connected. Throws std::bad_alloc as the other one.
  TlsTransport(event_base* base, UniqueFd fd, std::shared_ptr<TlsPeer> peer);
  ~TlsTransport() override;
  // A client's handshake is counted there once it ends: ok when it completes, failed when the
  // transport goes before it did (an error, the handshake timeout, or the client leaving).
  void count_handshake_in(MetricsRecorder* metrics) { handshake_metrics_ = metrics; }

  int finish_connect() override;
  std::string describe_error(int error) const override;
  bool negotiated_h2() const override;

  ReadResult read(IoBuffer& into, size_t limit) override;
  WriteResult write(IoBuffer& from) override;
  // Sends close_notify, then shuts the socket's sending side.
  void shutdown_write() override;

 private:
  enum class Stall { want_read, want_write, closed, failed };

  void on_read_watch_started() override;
  void set_peer_name(const std::string& name);
  int continue_handshake();
  Stall classify(int result, const char* operation);
  void after_ssl_call();
  bool can_send_close_notify() const;
  bool wait_writable_for_read();
  bool wait_readable_for_write();
  void end_read_wait();
  void end_write_wait();
  static void on_read_wait(evutil_socket_t fd, short what, void* context);
  static void on_write_wait(evutil_socket_t fd, short what, void* context);
  static void on_handshake_timeout(evutil_socket_t fd, short what, void* context);

  SslPtr ssl_;
  EventPtr handshake_timer_;  // freed once the handshake is done
  MetricsRecorder* handshake_metrics_ = nullptr;
  EventPtr read_wait_;  // made on first use: a read waits for writability only rarely
  EventPtr write_wait_;
  int failure_ = 0;  // errno-style; after a fatal error every read and write reports it
  // OpenSSL's reason for an EPROTO failure (a static string of the library), for describe_error.
  const char* failure_reason_ = nullptr;
  // Client side: the server spoken to; holds the session slot OpenSSL's callback stores into.
  std::shared_ptr<TlsPeer> peer_;
};

}  // namespace relay7
