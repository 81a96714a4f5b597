#include "relay7/tls/upstream_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <new>

#include "relay7/tls/certificate_pair.h"
#include "relay7/tls/openssl_error.h"
#include "relay7/tls/tls_file.h"
#include "relay7/tls/tls_peer.h"
#include "tls/context_options.h"

namespace relay7 {
namespace {

// ALPN: relay7 speaks HTTP/1.1 to backends; a backend that would pick h2 must not.
constexpr unsigned char kAlpnHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

// OpenSSL hands over a reference to each new client session (TLS 1.2 at the end of the
// handshake, TLS 1.3 with every ticket, which arrives after it). The connection's slot keeps the
// last resumable one; 1 tells OpenSSL the reference was kept. Runs inside SSL_read and
// SSL_do_handshake: nothing here throws.
int on_new_session(SSL* ssl, SSL_SESSION* session) noexcept {
  auto* slot = static_cast<TlsSessionSlot*>(SSL_get_app_data(ssl));
  if (slot == nullptr || SSL_SESSION_is_resumable(session) != 1) {
    return 0;
  }
  slot->store(SslSessionPtr(session));
  return 1;
}

bool apply_defaults(SSL_CTX* context, const UpstreamTlsConfig& config) {
  apply_connection_options(context);
  SSL_CTX_set_verify(context, config.verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
  // Client sessions go to the callback alone: OpenSSL's internal cache is for servers.
  SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(context, on_new_session);
  return SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1 &&
         SSL_CTX_set_alpn_protos(context, kAlpnHttp11, sizeof kAlpnHttp11) == 0;
}

// Every certificate of `path` becomes a trust anchor of `context`.
bool load_ca(SSL_CTX* context, const std::string& path, std::vector<UpstreamTlsFileError>& errors) {
  std::string error;
  const std::optional<std::string> contents = read_tls_file(path, error);
  if (!contents) {
    errors.push_back({UpstreamTlsFile::ca, std::move(error)});
    return false;
  }
  const BioPtr bio(BIO_new_mem_buf(contents->data(), static_cast<int>(contents->size())));
  if (!bio) {
    throw std::bad_alloc();
  }
  X509_STORE* store = SSL_CTX_get_cert_store(context);
  size_t added = 0;
  while (X509Ptr certificate{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
    if (X509_STORE_add_cert(store, certificate.get()) != 1) {
      ERR_clear_error();  // the same certificate twice in a bundle: harmless
    }
    ++added;
  }
  const std::string reason = take_openssl_error();
  if (added == 0) {
    errors.push_back(
        {UpstreamTlsFile::ca, path + ": no PEM certificate could be parsed (" + reason + ")"});
    return false;
  }
  return true;
}

// The system's bundle (Debian: /etc/ssl/certs/ca-certificates.crt, or $SSL_CERT_FILE), read by
// the master now. Not SSL_CTX_set_default_verify_paths: its hashed directory is read lazily, at
// verification time, which would be a blocking file read in a worker. A missing bundle leaves
// nothing trusted, and every verified handshake fails with a reason in the error log.
void load_system_store(SSL_CTX* context) {
  const char* from_environment = std::getenv(X509_get_default_cert_file_env());
  const char* file = from_environment != nullptr ? from_environment : X509_get_default_cert_file();
  SSL_CTX_load_verify_file(context, file);
  ERR_clear_error();
}

bool load_client_certificate(SSL_CTX* context, const UpstreamTlsConfig& config,
                             std::vector<UpstreamTlsFileError>& errors) {
  std::vector<CertificatePairError> pair_errors;
  const std::optional<CertificatePair> pair =
      read_certificate_pair(config.cert, config.key, pair_errors);
  for (CertificatePairError& error : pair_errors) {
    errors.push_back(
        {error.file == CertificateFile::key ? UpstreamTlsFile::key : UpstreamTlsFile::cert,
         std::move(error.message)});
  }
  if (!pair) {
    return false;
  }
  if (!use_certificate_pair(context, *pair)) {
    errors.push_back({UpstreamTlsFile::cert, config.cert + ": OpenSSL refused the certificate (" +
                                                 take_openssl_error() + ")"});
    return false;
  }
  return true;
}

}  // namespace

std::shared_ptr<const UpstreamTlsContext> UpstreamTlsContext::load(
    const UpstreamTlsConfig& config, std::vector<UpstreamTlsFileError>& errors) {
  SslCtxPtr context(SSL_CTX_new(TLS_client_method()));
  if (!context || !apply_defaults(context.get(), config)) {
    ERR_clear_error();
    throw std::bad_alloc();  // the settings are constants: only memory can fail them
  }
  bool complete = true;
  if (config.ca.empty()) {
    load_system_store(context.get());
  } else {
    complete = load_ca(context.get(), config.ca, errors);
  }
  if (!config.cert.empty()) {
    complete = load_client_certificate(context.get(), config, errors) && complete;
  }
  if (!complete) {
    return nullptr;
  }
  return std::make_shared<const UpstreamTlsContext>(std::move(context));
}

}  // namespace relay7
