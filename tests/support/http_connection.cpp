#include "http_connection.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

namespace relay7::testing {
namespace {

using Clock = std::chrono::steady_clock;

struct AddrInfoDeleter {
  void operator()(addrinfo* info) const noexcept { freeaddrinfo(info); }
};
using AddrInfoPtr = std::unique_ptr<addrinfo, AddrInfoDeleter>;

AddrInfoPtr numeric_address(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0)
    return nullptr;
  return AddrInfoPtr(found);
}

timeval to_timeval(std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  return tv;
}

bool has_header(const Headers& headers, std::string_view name) {
  for (const auto& [field, value] : headers) {
    if (iequals(field, name))
      return true;
  }
  return false;
}

}  // namespace

bool HttpConnection::set_error(std::string message) {
  error_ = std::move(message);
  return false;
}

bool HttpConnection::connect(uint16_t port, const std::string& host,
                             const std::string& bind_address) {
  fd_.reset();
  buffer_ = InputBuffer();
  peer_closed_ = false;
  const AddrInfoPtr target = numeric_address(host, port);
  if (!target)
    return set_error("not a numeric address: " + host);
  UniqueFd fd(socket(target->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid())
    return set_error(std::string("socket: ") + std::strerror(errno));
  if (!bind_address.empty()) {
    const AddrInfoPtr local = numeric_address(bind_address, 0);
    if (!local)
      return set_error("not a numeric address: " + bind_address);
    if (bind(fd.get(), local->ai_addr, local->ai_addrlen) != 0) {
      return set_error("bind " + bind_address + ": " + std::strerror(errno));
    }
  }
  fd_ = std::move(fd);
  set_timeout(timeout_);
  // Tests send requests in several small writes on purpose; each should leave at once.
  const int one = 1;
  setsockopt(fd_.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // SO_SNDTIMEO bounds a blocking connect() too.
  if (::connect(fd_.get(), target->ai_addr, target->ai_addrlen) != 0) {
    const int error = errno;
    fd_.reset();
    return set_error("connect " + host + ":" + std::to_string(port) + ": " + std::strerror(error));
  }
  return true;
}

uint16_t HttpConnection::local_port() const {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0)
    return 0;
  if (address.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
  }
  return ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
}

void HttpConnection::set_timeout(std::chrono::milliseconds timeout) {
  timeout_ = timeout;
  if (!fd_.valid())
    return;
  const timeval tv = to_timeval(timeout);
  setsockopt(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd_.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

bool HttpConnection::send_raw(std::string_view bytes) {
  if (!fd_.valid())
    return set_error("not connected");
  while (!bytes.empty()) {
    const ssize_t sent = send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return set_error("send timed out");
      return set_error(std::string("send: ") + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

bool HttpConnection::send_request(std::string_view method, std::string_view target,
                                  const Headers& headers, std::string_view body) {
  return send_raw(format_request(method, target, headers, body));
}

bool HttpConnection::shutdown_write() {
  if (!fd_.valid())
    return set_error("not connected");
  if (shutdown(fd_.get(), SHUT_WR) != 0) {
    return set_error(std::string("shutdown: ") + std::strerror(errno));
  }
  return true;
}

FillResult HttpConnection::fill() {
  if (!fd_.valid())
    return FillResult::kError;
  if (peer_closed_)
    return FillResult::kEof;
  char chunk[64 * 1024];
  while (true) {
    const ssize_t got = recv(fd_.get(), chunk, sizeof chunk, 0);
    if (got > 0) {
      buffer_.append(std::string_view(chunk, static_cast<size_t>(got)));
      return FillResult::kData;
    }
    if (got == 0) {
      peer_closed_ = true;
      return FillResult::kEof;
    }
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return FillResult::kTimeout;
    error_ = std::string("recv: ") + std::strerror(errno);
    if (errno == ECONNRESET)
      peer_closed_ = true;
    return FillResult::kError;
  }
}

bool HttpConnection::wait_readable(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd entry{fd_.get(), POLLIN, 0};
    const int ready = poll(&entry, 1, static_cast<int>(std::max<int64_t>(left.count(), 0)));
    if (ready > 0)
      return true;
    if (ready == 0)
      return false;
    if (errno != EINTR)
      return false;
  }
}

std::optional<HttpResponse> HttpConnection::read_response(bool head_request) {
  ReadOptions options;
  options.head_request = head_request;
  return read_response(options);
}

std::optional<HttpResponse> HttpConnection::read_final_response(bool head_request) {
  ReadOptions options;
  options.head_request = head_request;
  options.skip_interim = true;
  return read_response(options);
}

std::optional<HttpResponse> HttpConnection::read_response(const ReadOptions& options) {
  if (!fd_.valid()) {
    failure_ = ReadFailure::kIoError;
    set_error("not connected");
    return std::nullopt;
  }
  ResponseReader reader(buffer_, [this] { return fill(); });
  std::optional<HttpResponse> response = reader.read(options);
  failure_ = reader.failure();
  if (!response)
    error_ = reader.error();
  return response;
}

std::optional<std::string> HttpConnection::read_some(std::chrono::milliseconds timeout) {
  if (!buffer_.empty())
    return buffer_.take_all();
  if (!fd_.valid())
    return std::nullopt;
  if (peer_closed_)
    return std::string();
  if (!wait_readable(timeout)) {
    set_error("no data within the timeout");
    return std::nullopt;
  }
  switch (fill()) {
    case FillResult::kData:
      return buffer_.take_all();
    case FillResult::kEof:
      return std::string();
    default:
      return std::nullopt;
  }
}

std::optional<std::string> HttpConnection::read_exactly(size_t count) {
  while (buffer_.size() < count) {
    const FillResult result = fill();
    if (result != FillResult::kData) {
      set_error("got " + std::to_string(buffer_.size()) + " of " + std::to_string(count) +
                (result == FillResult::kEof ? " bytes before the peer closed" : " bytes in time"));
      return std::nullopt;
    }
  }
  std::string bytes(buffer_.view().substr(0, count));
  buffer_.consume(count);
  return bytes;
}

bool HttpConnection::is_closed_by_peer(std::chrono::milliseconds timeout) {
  if (!fd_.valid())
    return true;
  const auto deadline = Clock::now() + timeout;
  while (!peer_closed_) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0 || !wait_readable(left))
      return false;
    fill();
  }
  return true;
}

std::string format_request(std::string_view method, std::string_view target, const Headers& headers,
                           std::string_view body) {
  std::string request;
  request.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  if (!has_header(headers, "Host"))
    request += "Host: 127.0.0.1\r\n";
  for (const auto& [name, value] : headers)
    request += name + ": " + value + "\r\n";
  if (!body.empty() && !has_header(headers, "Content-Length") &&
      !has_header(headers, "Transfer-Encoding")) {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n";
  request.append(body);
  return request;
}

std::string chunked_body(std::string_view body, size_t chunk_size) {
  std::string out;
  for (size_t pos = 0; pos < body.size(); pos += chunk_size) {
    const std::string_view piece = body.substr(pos, chunk_size);
    char size_line[32];
    std::snprintf(size_line, sizeof size_line, "%zx\r\n", piece.size());
    out.append(size_line).append(piece).append("\r\n");
  }
  out += "0\r\n\r\n";
  return out;
}

std::optional<HttpResponse> exchange_raw(uint16_t port, const std::string& raw) {
  HttpConnection connection;
  if (!connection.connect(port) || !connection.send_raw(raw)) {
    return std::nullopt;
  }
  return connection.read_final_response();
}

HttpResponse http_get(uint16_t port, const std::string& path, const Headers& extra_headers,
                      const std::string& bind_address) {
  const auto failed = [](std::string why) {
    HttpResponse response;
    response.reason = std::move(why);
    return response;
  };
  HttpConnection connection;
  if (!connection.connect(port, "127.0.0.1", bind_address))
    return failed(connection.last_error());
  Headers headers = extra_headers;
  if (!has_header(headers, "Host"))
    headers.emplace_back("Host", "127.0.0.1:" + std::to_string(port));
  if (!has_header(headers, "Connection"))
    headers.emplace_back("Connection", "close");
  if (!connection.send_request("GET", path, headers))
    return failed(connection.last_error());
  std::optional<HttpResponse> response = connection.read_final_response();
  if (!response)
    return failed(connection.last_error());
  if (connection.buffered_size() > 0) {
    return failed("unexpected " + std::to_string(connection.buffered_size()) +
                  " bytes after the response");
  }
  return *response;
}

}  // namespace relay7::testing
