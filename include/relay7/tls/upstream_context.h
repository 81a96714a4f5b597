#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/tls/handles.h"

namespace relay7 {

// Which file of an upstream's "tls" object an UpstreamTlsFileError is about.
enum class UpstreamTlsFile { ca, cert, key };

struct UpstreamTlsFileError {
  UpstreamTlsFile file;
  std::string message;  // names the file
};

// One upstream's client SSL_CTX: TLS 1.2 and 1.3, ALPN http/1.1, the peer verified (unless
// "verify" is false) against "ca" or the system's store, the client certificate when one is set,
// and sessions handed to the TlsSessionSlot of each connection (tls_peer.h) for resumption. The
// master makes it when it loads a config, so a client key readable by root alone works; the
// workers of that config's generation inherit it across fork.
class UpstreamTlsContext {
 public:
  // nullptr, with every problem found in `errors`, when a file cannot be read or parsed or the
  // client key does not match its certificate.
  static std::shared_ptr<const UpstreamTlsContext> load(const UpstreamTlsConfig& config,
                                                        std::vector<UpstreamTlsFileError>& errors);

  explicit UpstreamTlsContext(SslCtxPtr context) : context_(std::move(context)) {}
  SSL_CTX* get() const { return context_.get(); }

 private:
  SslCtxPtr context_;
};

}  // namespace relay7
