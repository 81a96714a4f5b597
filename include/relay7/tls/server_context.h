#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/tls/handles.h"

namespace relay7 {

// What is wrong with one file of a certificate pair, for the config loader to report under the
// pair's JSON path.
struct TlsFileError {
  size_t certificate = 0;  // index into ServerTlsConfig::certificates
  bool in_key = false;     // the key file; else the certificate file
  std::string message;     // names the file
};

// Picks the context of the server block a client named in its ClientHello (SNI). Whoever makes
// a server SSL stores one as the SSL's app data (SSL_set_app_data); the contexts' servername
// callback asks it.
class TlsContextSelector {
 public:
  virtual SSL_CTX* context_for(std::string_view server_name) const noexcept = 0;

 protected:
  ~TlsContextSelector() = default;
};

// One server block's SSL_CTX: its certificate set with relay7's defaults (the "protocols" of the
// block, Mozilla's "intermediate" ciphers, groups X25519 and P-256, session tickets, ALPN h2
// (unless the block turns it off) and http/1.1, no compression, no renegotiation, buffers
// released while idle). The master makes it
// when it loads a config, so a key readable by root alone works; the workers of that config's
// generation inherit it across fork and make one SSL per connection from it.
class ServerTlsContext {
 public:
  // nullptr, with every problem found in `errors`, when a file cannot be read or parsed, a key
  // does not match its certificate, or two pairs have the same key type (OpenSSL would keep only
  // the last).
  static std::shared_ptr<const ServerTlsContext> load(const ServerTlsConfig& config,
                                                      std::vector<TlsFileError>& errors);

  ServerTlsContext(SslCtxPtr context, std::vector<X509Ptr> leaves)
      : context_(std::move(context)), leaves_(std::move(leaves)) {}
  SSL_CTX* get() const { return context_.get(); }
  // The leaf certificate of each ServerTlsConfig::certificates entry, in that order, for the
  // loader's warnings.
  const std::vector<X509Ptr>& leaves() const { return leaves_; }

 private:
  SslCtxPtr context_;
  std::vector<X509Ptr> leaves_;
};

}  // namespace relay7
