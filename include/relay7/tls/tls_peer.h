#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "relay7/tls/handles.h"
#include "relay7/tls/upstream_context.h"

namespace relay7 {

// The last resumable session one upstream server gave this worker: the next connection to it
// offers it (SSL_set_session), so a pool that opens a connection per burst does an abbreviated
// handshake instead of a full one. TLS 1.3 tickets arrive after the handshake; the context's
// new-session callback stores them here.
class TlsSessionSlot {
 public:
  SSL_SESSION* get() const { return session_.get(); }
  void store(SslSessionPtr session) { session_ = std::move(session); }

 private:
  SslSessionPtr session_;
};

// How a worker speaks TLS to one upstream server: the upstream's context, the name sent as SNI
// and checked against the server's certificate, and the server's session slot. Shared by the
// server's connection pool, its health probes and every connection made from them (a connection
// may outlive the pool in a tunnel, and a ticket may still arrive then).
struct TlsPeer {
  std::shared_ptr<const UpstreamTlsContext> context;
  std::string server_name;
  TlsSessionSlot sessions;
};

// The TlsPeer of a server of `upstream`: the "tls" "server_name", else `host` (the server's name,
// or its IP address). nullptr for an upstream without TLS.
std::shared_ptr<TlsPeer> make_tls_peer(const UpstreamConfig& upstream, const std::string& host);

}  // namespace relay7
