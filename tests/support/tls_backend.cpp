#include "tls_backend.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <stdexcept>

#include "relay7/tls/openssl_error.h"

namespace relay7::testing {
namespace {

constexpr int kPollMs = 50;

// Waits until `fd` is readable or the backend stops; false when it stops.
bool wait_readable(int fd, const std::atomic<bool>& stopping) {
  while (!stopping.load()) {
    pollfd entry{fd, POLLIN, 0};
    if (::poll(&entry, 1, kPollMs) > 0) {
      return true;
    }
  }
  return false;
}

UniqueFd bind_loopback(uint16_t& port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (!fd.valid() || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(fd.get(), 64) != 0 ||
      ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("TlsBackend: cannot listen on 127.0.0.1");
  }
  port = ntohs(address.sin_port);
  return fd;
}

std::string path_of(const std::string& head) {
  const size_t start = head.find(' ');
  const size_t end = head.find(' ', start + 1);
  return start == std::string::npos || end == std::string::npos
             ? std::string()
             : head.substr(start + 1, end - start - 1);
}

}  // namespace

TlsBackend::TlsBackend(const CertificateFiles& files) : context_(SSL_CTX_new(TLS_server_method())) {
  if (!context_ || SSL_CTX_use_certificate_chain_file(context_.get(), files.cert.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(context_.get(), files.key.c_str(), SSL_FILETYPE_PEM) != 1) {
    throw std::runtime_error("TlsBackend: " + take_openssl_error());
  }
  listener_ = bind_loopback(port_);
  acceptor_ = std::thread([this] { accept_loop(); });
}

TlsBackend::~TlsBackend() {
  stopping_.store(true);
  acceptor_.join();
  std::vector<std::thread> connections;
  {
    std::lock_guard lock(mutex_);
    connections.swap(connections_);
  }
  for (std::thread& connection : connections) {
    connection.join();
  }
}

int TlsBackend::requests_for(const std::string& path) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::count(paths_.begin(), paths_.end(), path));
}

void TlsBackend::accept_loop() {
  int number = 0;
  while (wait_readable(listener_.get(), stopping_)) {
    UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!fd.valid()) {
      continue;
    }
    std::lock_guard lock(mutex_);
    connections_.emplace_back(
        [this, fd = std::move(fd), n = ++number]() mutable { serve(std::move(fd), n); });
  }
}

void TlsBackend::serve(UniqueFd fd, int number) {
  // A client that stops talking mid-handshake must not hold the backend's stop for long.
  const timeval timeout{5, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  SslPtr ssl(SSL_new(context_.get()));
  if (!ssl || SSL_set_fd(ssl.get(), fd.get()) != 1 || SSL_accept(ssl.get()) != 1) {
    return;  // a failed handshake is the client's verdict on the certificate: not counted
  }
  ++handshakes_;
  if (SSL_session_reused(ssl.get()) == 1) {
    ++resumed_;
  }
  std::string input;
  while (true) {
    const size_t end = input.find("\r\n\r\n");
    if (end != std::string::npos) {
      const std::string head = input.substr(0, end + 4);
      input.erase(0, end + 4);
      if (!answer(ssl.get(), head, number)) {
        break;
      }
      continue;
    }
    if (SSL_pending(ssl.get()) == 0 && !wait_readable(fd.get(), stopping_)) {
      break;
    }
    char buffer[4096];
    const int got = SSL_read(ssl.get(), buffer, sizeof buffer);
    if (got <= 0) {
      break;
    }
    input.append(buffer, static_cast<size_t>(got));
  }
  SSL_shutdown(ssl.get());
}

// False when the connection is to close after this answer.
bool TlsBackend::answer(SSL* ssl, const std::string& head, int number) {
  const std::string path = path_of(head);
  {
    std::lock_guard lock(mutex_);
    paths_.push_back(path);
  }
  ++requests_;
  const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  const std::string body = "connection=" + std::to_string(number) +
                           " reused=" + std::to_string(SSL_session_reused(ssl)) +
                           " sni=" + (sni != nullptr ? sni : "") + " path=" + path;
  const bool close = head.find("Connection: close") != std::string::npos ||
                     head.find("connection: close") != std::string::npos;
  const std::string response =
      "HTTP/1.1 " + std::to_string(status_.load()) +
      " Status\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n" + body;
  return SSL_write(ssl, response.data(), static_cast<int>(response.size())) > 0 && !close;
}

}  // namespace relay7::testing
