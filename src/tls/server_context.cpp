#include "relay7/tls/server_context.h"

#include <openssl/err.h>

#include <algorithm>
#include <new>

#include "relay7/tls/certificate_pair.h"
#include "relay7/tls/openssl_error.h"
#include "tls/context_options.h"

namespace relay7 {
namespace {

// Mozilla's "intermediate" configuration (version 5.7): TLS 1.2 suites with forward secrecy and
// AEAD only; TLS 1.3's three standard suites, in OpenSSL's order.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";
constexpr const char* kTls13Suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
constexpr const char* kGroups = "X25519:P-256";
constexpr std::string_view kHttp11 = "http/1.1";
constexpr std::string_view kH2 = "h2";
// The ALPN callback's argument: whether the context offers h2 (its block's "http2").
constexpr bool kOfferH2 = true;
constexpr bool kHttp11Only = false;

int version_of(TlsProtocol protocol) {
  return protocol == TlsProtocol::tls1_2 ? TLS1_2_VERSION : TLS1_3_VERSION;
}

// The client's SNI picks the context of the block it names; the SSL keeps its first context's
// protocol settings, which the config makes equal on one address.
int on_servername(SSL* ssl, int*, void*) {
  const auto* selector = static_cast<const TlsContextSelector*>(SSL_get_app_data(ssl));
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  if (selector == nullptr || name == nullptr) {
    return SSL_TLSEXT_ERR_NOACK;  // the default block's context stays
  }
  SSL_CTX* chosen = selector->context_for(name);
  if (chosen != nullptr && chosen != SSL_get_SSL_CTX(ssl)) {
    SSL_set_SSL_CTX(ssl, chosen);
  }
  return SSL_TLSEXT_ERR_OK;
}

// Finds `protocol` in the client's ALPN list; false when it is not there (or the list is broken).
bool find_protocol(const unsigned char* in, unsigned int in_length, std::string_view protocol,
                   const unsigned char** out, unsigned char* out_length) {
  unsigned int at = 0;
  while (at < in_length) {
    const unsigned int length = in[at];
    if (at + 1 + length > in_length) {
      return false;
    }
    if (std::string_view(reinterpret_cast<const char*>(in + at + 1), length) == protocol) {
      *out = in + at + 1;
      *out_length = static_cast<unsigned char>(length);
      return true;
    }
    at += 1 + length;
  }
  return false;
}

// h2 when the block offers it and the client does, whatever the client's order (a client lists
// what it can speak, and HTTP/2 serves it better); else http/1.1. A client that offers ALPN
// with neither gets the no_application_protocol alert (RFC 7301, 3.2) rather than an answer it
// cannot read. SNI has picked the block's context before this runs.
int on_alpn(SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* in,
            unsigned int in_length, void* offer_h2) {
  if (*static_cast<const bool*>(offer_h2) && find_protocol(in, in_length, kH2, out, out_length)) {
    return SSL_TLSEXT_ERR_OK;
  }
  if (find_protocol(in, in_length, kHttp11, out, out_length)) {
    return SSL_TLSEXT_ERR_OK;
  }
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

bool apply_defaults(SSL_CTX* context, const ServerTlsConfig& config) {
  apply_connection_options(context);
  SSL_CTX_set_tlsext_servername_callback(context, on_servername);
  SSL_CTX_set_alpn_select_cb(context, on_alpn,
                             const_cast<bool*>(config.alpn_h2 ? &kOfferH2 : &kHttp11Only));
  SSL_CTX_set_dh_auto(context, 1);  // the DHE suites of the intermediate list
  return SSL_CTX_set_min_proto_version(context, version_of(config.protocols.front())) == 1 &&
         SSL_CTX_set_max_proto_version(context, version_of(config.protocols.back())) == 1 &&
         SSL_CTX_set_cipher_list(context, kTls12Ciphers) == 1 &&
         SSL_CTX_set_ciphersuites(context, kTls13Suites) == 1 &&
         SSL_CTX_set1_groups_list(context, kGroups) == 1;
}

// Sessions resume only in the block that made them: SNI moves a connection to its block's
// context, whose session ID context then has to match the session's. The first certificate's
// digest tells blocks apart and stays the same across reloads of the same files.
bool set_session_id_context(SSL_CTX* context, const X509* leaf) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(leaf, EVP_sha256(), digest, &length) != 1) {
    return false;
  }
  return SSL_CTX_set_session_id_context(
             context, digest, std::min<unsigned int>(length, SSL_MAX_SID_CTX_LENGTH)) == 1;
}

}  // namespace

std::shared_ptr<const ServerTlsContext> ServerTlsContext::load(const ServerTlsConfig& config,
                                                               std::vector<TlsFileError>& errors) {
  SslCtxPtr context(SSL_CTX_new(TLS_server_method()));
  if (!context || !apply_defaults(context.get(), config)) {
    ERR_clear_error();
    throw std::bad_alloc();  // the settings are constants: only memory can fail them
  }
  bool complete = true;
  std::vector<std::pair<int, size_t>> key_types;  // EVP_PKEY base id -> first pair with it
  std::vector<X509Ptr> leaves;
  for (size_t i = 0; i < config.certificates.size(); ++i) {
    const TlsCertificateConfig& files = config.certificates[i];
    std::vector<CertificatePairError> pair_errors;
    std::optional<CertificatePair> pair = read_certificate_pair(files.cert, files.key, pair_errors);
    for (CertificatePairError& error : pair_errors) {
      errors.push_back({i, error.file == CertificateFile::key, std::move(error.message)});
    }
    if (!pair) {
      complete = false;
      continue;
    }
    const int type = EVP_PKEY_get_base_id(pair->key.get());
    bool repeated = false;
    for (const auto& [seen, index] : key_types) {
      if (seen == type) {
        errors.push_back({i, true,
                          files.key + " has the same key type (" + std::string(OBJ_nid2sn(type)) +
                              ") as certificates[" + std::to_string(index) +
                              "]: a block takes at most one certificate per key type"});
        repeated = true;
      }
    }
    key_types.emplace_back(type, i);
    if (repeated) {
      complete = false;
      continue;
    }
    if (!use_certificate_pair(context.get(), *pair) ||
        (i == 0 && !set_session_id_context(context.get(), pair->leaf.get()))) {
      errors.push_back(
          {i, false,
           files.cert + ": OpenSSL refused the certificate (" + take_openssl_error() + ")"});
      complete = false;
    }
    leaves.push_back(std::move(pair->leaf));
  }
  if (!complete) {
    return nullptr;
  }
  return std::make_shared<const ServerTlsContext>(std::move(context), std::move(leaves));
}

}  // namespace relay7
