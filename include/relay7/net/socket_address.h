#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace relay7 {

// A socket address resolved once (at config load) so that nothing is looked up per request.
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  const sockaddr* raw() const { return reinterpret_cast<const sockaddr*>(&storage); }
  int family() const { return storage.ss_family; }
  uint16_t port() const;
  // "127.0.0.1:8080" or "[::1]:8080".
  std::string to_string() const;
  // The address bytes only (4 for IPv4, 16 for IPv6), e.g. for hashing a client address.
  std::string_view address_bytes() const;
  // The address without the port, e.g. "127.0.0.1" or "::1" (for X-Forwarded-For).
  std::string host_string() const;

  bool operator==(const SocketAddress& other) const;
};

SocketAddress socket_address_from(const sockaddr* address, socklen_t length);

// Parses a numeric "IPv4:port" or "[IPv6]:port"; never resolves names.
std::optional<SocketAddress> parse_numeric_address(std::string_view text);

}  // namespace relay7
