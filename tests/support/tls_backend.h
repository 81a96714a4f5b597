#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "relay7/net/unique_fd.h"
#include "relay7/tls/handles.h"
#include "test_certificates.h"

namespace relay7::testing {

// A TLS HTTP/1.1 backend inside the test process (the demo backend speaks plain HTTP only), on
// 127.0.0.1 and a port the kernel picks. It answers every request head (bodies are not
// expected) with `status()` and the body "connection=N reused=0|1 sni=NAME path=PATH", keeps
// connections alive unless asked to close, and counts what the tests look at: TLS connections,
// resumed sessions, requests. One thread accepts, one serves each connection; all stop when it
// goes away.
class TlsBackend {
 public:
  // Throws std::runtime_error when the certificate cannot be loaded or no socket bound.
  explicit TlsBackend(const CertificateFiles& files);
  ~TlsBackend();
  TlsBackend(const TlsBackend&) = delete;
  TlsBackend& operator=(const TlsBackend&) = delete;

  uint16_t port() const { return port_; }
  // Completed handshakes, and how many of them resumed a session.
  int handshakes() const { return handshakes_.load(); }
  int resumed() const { return resumed_.load(); }
  // Requests answered, and those of them for `path`.
  int requests() const { return requests_.load(); }
  int requests_for(const std::string& path) const;
  // The status every answer has from now on (200 at first).
  void set_status(int status) { status_.store(status); }

 private:
  void accept_loop();
  void serve(UniqueFd fd, int number);
  bool answer(SSL* ssl, const std::string& head, int number);

  SslCtxPtr context_;
  UniqueFd listener_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> handshakes_{0};
  std::atomic<int> resumed_{0};
  std::atomic<int> requests_{0};
  std::atomic<int> status_{200};
  mutable std::mutex mutex_;
  std::vector<std::string> paths_;        // under mutex_
  std::vector<std::thread> connections_;  // under mutex_
  std::thread acceptor_;
};

}  // namespace relay7::testing
