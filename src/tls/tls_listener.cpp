#include "relay7/tls/tls_listener.h"

#include <new>

namespace relay7 {

TlsListener::TlsListener(const ListenerRoutes& routes, const std::vector<ServerConfig>& servers)
    : routes_(routes), servers_(servers) {}

Duration TlsListener::handshake_timeout() const {
  return servers_[routes_.default_server].tls->handshake_timeout;
}

SSL_CTX* TlsListener::context_of(size_t server) const {
  return servers_[server].tls->context->get();
}

SSL_CTX* TlsListener::context_for(std::string_view server_name) const noexcept {
  // Called from OpenSSL's servername callback: nothing may escape into C.
  try {
    return context_of(routes_.select(normalize_host(server_name)));
  } catch (const std::bad_alloc&) {
    return nullptr;  // the handshake goes on with the default block's certificates
  }
}

}  // namespace relay7
