#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_connection.h"
#include "input_buffer.h"
#include "relay7/tls/handles.h"

namespace relay7::testing {

// A session a connection got, to offer for resumption on another one.
struct TlsSessionDeleter {
  void operator()(SSL_SESSION* session) const { SSL_SESSION_free(session); }
};
using TlsSession = std::shared_ptr<SSL_SESSION>;

struct TlsClientOptions {
  std::string server_name;        // sent as SNI; empty: none
  std::vector<std::string> alpn;  // offered in this order; empty: no ALPN extension
  int min_version = TLS1_2_VERSION;
  int max_version = TLS1_3_VERSION;
  TlsSession session;   // offered for resumption; null: a full handshake
  bool tickets = true;  // false: no session ticket extension (resumption by session ID only)
  // Offered signature algorithms (OpenSSL's list syntax, e.g. "RSA-PSS+SHA256"); empty:
  // OpenSSL's defaults.
  std::string signature_algorithms;
  // Sent on the TCP connection before the handshake (a PROXY protocol header).
  std::string before_handshake;
};

// A blocking TLS client connection (OpenSSL, no certificate verification: the tests look at the
// certificate they get instead) over an HttpConnection's socket, reading responses as strictly.
class TlsConnection {
 public:
  // TCP connect and the whole handshake; false with last_error() (OpenSSL's reason) on failure.
  bool connect(uint16_t port, const TlsClientOptions& options = {});

  // What the handshake settled.
  std::string peer_common_name() const;
  // "EC" or "RSA": the key type of the certificate the server chose.
  std::string peer_key_type() const;
  std::string alpn() const;
  std::string version() const;
  bool session_reused() const;
  // The session to resume later. TLS 1.3 sends its tickets after the handshake: take it after
  // a response was read.
  TlsSession session() const;

  bool connected() const { return ssl_ != nullptr; }
  // Drops the connection without a close_notify, as a client that goes away does.
  void close();

  bool send(std::string_view bytes);
  std::optional<HttpResponse> read_response();
  // True if the server ends the TLS stream (close_notify, or the socket closes) within the
  // connection's timeout, with no bytes before it.
  bool is_closed_by_peer();

  const std::string& last_error() const { return error_; }

 private:
  FillResult fill();
  bool fail(std::string what);

  HttpConnection socket_;
  SslCtxPtr context_;
  SslPtr ssl_;
  InputBuffer buffer_;
  std::string error_;
};

}  // namespace relay7::testing
