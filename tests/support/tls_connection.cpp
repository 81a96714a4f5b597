#include "tls_connection.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include "relay7/tls/openssl_error.h"
#include "response_reader.h"

namespace relay7::testing {

bool TlsConnection::fail(std::string what) {
  error_ = std::move(what) + ": " + take_openssl_error();
  return false;
}

bool TlsConnection::connect(uint16_t port, const TlsClientOptions& options) {
  ssl_.reset();
  buffer_ = InputBuffer();
  if (!socket_.connect(port) ||
      (!options.before_handshake.empty() && !socket_.send_raw(options.before_handshake))) {
    error_ = socket_.last_error();
    return false;
  }
  context_.reset(SSL_CTX_new(TLS_client_method()));
  if (!context_) {
    return fail("SSL_CTX_new");
  }
  // The tests ask for versions relay7 must refuse: the client's own floor (Debian's SECLEVEL=2)
  // must not refuse them first.
  SSL_CTX_set_security_level(context_.get(), 0);
  if (SSL_CTX_set_min_proto_version(context_.get(), options.min_version) != 1 ||
      SSL_CTX_set_max_proto_version(context_.get(), options.max_version) != 1) {
    return fail("protocol versions");
  }
  if (!options.signature_algorithms.empty() &&
      SSL_CTX_set1_sigalgs_list(context_.get(), options.signature_algorithms.c_str()) != 1) {
    return fail("signature algorithms");
  }
  if (!options.tickets) {
    SSL_CTX_set_options(context_.get(), SSL_OP_NO_TICKET);
  }
  if (options.max_version < TLS1_2_VERSION) {
    SSL_CTX_set_cipher_list(context_.get(), "DEFAULT:@SECLEVEL=0");
  }
  if (!options.alpn.empty()) {
    std::string wire;
    for (const std::string& protocol : options.alpn) {
      wire += static_cast<char>(protocol.size());
      wire += protocol;
    }
    if (SSL_CTX_set_alpn_protos(context_.get(), reinterpret_cast<const unsigned char*>(wire.data()),
                                static_cast<unsigned int>(wire.size())) != 0) {
      return fail("ALPN");
    }
  }
  ssl_.reset(SSL_new(context_.get()));
  if (!ssl_ || SSL_set_fd(ssl_.get(), socket_.fd()) != 1) {
    return fail("SSL_new");
  }
  if (!options.server_name.empty() &&
      SSL_set_tlsext_host_name(ssl_.get(), options.server_name.c_str()) != 1) {
    return fail("SNI");
  }
  if (options.session) {
    // A copy, for the reason session() makes one: the offered session stays resumable.
    const TlsSession copy(SSL_SESSION_dup(options.session.get()), TlsSessionDeleter{});
    if (!copy || SSL_set_session(ssl_.get(), copy.get()) != 1) {
      return fail("session");
    }
  }
  if (SSL_connect(ssl_.get()) != 1) {
    return fail("handshake");
  }
  return true;
}

std::string TlsConnection::peer_common_name() const {
  const X509Ptr certificate(SSL_get1_peer_certificate(ssl_.get()));
  if (!certificate) {
    return "";
  }
  char name[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(certificate.get()), NID_commonName, name,
                            sizeof name);
  return name;
}

std::string TlsConnection::peer_key_type() const {
  const X509Ptr certificate(SSL_get1_peer_certificate(ssl_.get()));
  const EVP_PKEY* key = certificate ? X509_get0_pubkey(certificate.get()) : nullptr;
  if (key == nullptr) {
    return "";
  }
  const int type = EVP_PKEY_get_base_id(key);
  return type == EVP_PKEY_EC ? "EC" : type == EVP_PKEY_RSA ? "RSA" : OBJ_nid2sn(type);
}

std::string TlsConnection::alpn() const {
  const unsigned char* protocol = nullptr;
  unsigned int length = 0;
  SSL_get0_alpn_selected(ssl_.get(), &protocol, &length);
  return std::string(reinterpret_cast<const char*>(protocol), protocol != nullptr ? length : 0);
}

std::string TlsConnection::version() const {
  return SSL_get_version(ssl_.get());
}

void TlsConnection::close() {
  ssl_.reset();
  socket_.close();
}

bool TlsConnection::session_reused() const {
  return SSL_session_reused(ssl_.get()) == 1;
}

TlsSession TlsConnection::session() const {
  // A copy: OpenSSL marks the connection's own session not resumable when the connection is
  // freed without a shutdown, as these tests do.
  const SSL_SESSION* own = SSL_get0_session(ssl_.get());
  return TlsSession(own != nullptr ? SSL_SESSION_dup(own) : nullptr, TlsSessionDeleter{});
}

bool TlsConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    size_t written = 0;
    if (SSL_write_ex(ssl_.get(), bytes.data(), bytes.size(), &written) != 1) {
      return fail("write");
    }
    bytes.remove_prefix(written);
  }
  return true;
}

FillResult TlsConnection::fill() {
  char chunk[16 * 1024];
  size_t received = 0;
  if (SSL_read_ex(ssl_.get(), chunk, sizeof chunk, &received) == 1) {
    buffer_.append(std::string_view(chunk, received));
    return FillResult::kData;
  }
  const int error = SSL_get_error(ssl_.get(), 0);
  if (error == SSL_ERROR_ZERO_RETURN) {
    return FillResult::kEof;
  }
  // SO_RCVTIMEO running out shows as a failed read of the socket.
  const bool timed_out = error == SSL_ERROR_WANT_READ ||
                         (error == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK));
  fail("read");
  if (error == SSL_ERROR_SSL && buffer_.empty()) {
    return FillResult::kEof;  // an EOF without close_notify
  }
  return timed_out ? FillResult::kTimeout : FillResult::kError;
}

std::optional<HttpResponse> TlsConnection::read_response() {
  ResponseReader reader(buffer_, [this] { return fill(); });
  std::optional<HttpResponse> response = reader.read(ReadOptions{});
  if (!response) {
    error_ = reader.error() + (error_.empty() ? "" : " (" + error_ + ")");
  }
  return response;
}

bool TlsConnection::is_closed_by_peer() {
  return buffer_.empty() && fill() == FillResult::kEof;
}

}  // namespace relay7::testing
