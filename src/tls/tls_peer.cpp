#include "relay7/tls/tls_peer.h"

namespace relay7 {

std::shared_ptr<TlsPeer> make_tls_peer(const UpstreamConfig& upstream, const std::string& host) {
  if (!upstream.tls) {
    return nullptr;
  }
  auto peer = std::make_shared<TlsPeer>();
  peer->context = upstream.tls->context;
  peer->server_name = upstream.tls->server_name.empty() ? host : upstream.tls->server_name;
  return peer;
}

}  // namespace relay7
