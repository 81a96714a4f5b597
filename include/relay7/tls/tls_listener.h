#pragma once

#include <openssl/ssl.h>

#include <string_view>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/routing/route_table.h"
#include "relay7/tls/server_context.h"

namespace relay7 {

// The TLS side of one listening address: the context every handshake starts with (the default
// block's) and the choice among the address's blocks by the name the client sent (SNI), made as
// the Host header picks a block. Both refer to the config and route table they were made from,
// which outlive every connection of the worker.
class TlsListener final : public TlsContextSelector {
 public:
  TlsListener(const ListenerRoutes& routes, const std::vector<ServerConfig>& servers);

  SSL_CTX* initial_context() const { return context_of(routes_.default_server); }
  // The default block's: the config makes it equal on one address.
  Duration handshake_timeout() const;
  SSL_CTX* context_for(std::string_view server_name) const noexcept override;

 private:
  SSL_CTX* context_of(size_t server) const;

  const ListenerRoutes& routes_;
  const std::vector<ServerConfig>& servers_;
};

}  // namespace relay7
