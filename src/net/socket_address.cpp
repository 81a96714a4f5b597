#include "relay7/net/socket_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace relay7 {
namespace {

const sockaddr_in& as_ipv4(const sockaddr_storage& storage) {
  return *reinterpret_cast<const sockaddr_in*>(&storage);
}

const sockaddr_in6& as_ipv6(const sockaddr_storage& storage) {
  return *reinterpret_cast<const sockaddr_in6*>(&storage);
}

// Only plain decimal digits: from_chars alone would also take a leading '+' or stop early.
std::optional<uint16_t> parse_port_digits(std::string_view text) {
  if (text.empty() || text.size() > 5 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  unsigned value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  if (value > 65535) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(value);
}

std::optional<SocketAddress> make_ipv4(const std::string& host, uint16_t port) {
  SocketAddress result;
  auto& address = *reinterpret_cast<sockaddr_in*>(&result.storage);
  if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
    return std::nullopt;
  }
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  result.length = sizeof(sockaddr_in);
  return result;
}

std::optional<SocketAddress> make_ipv6(const std::string& host, uint16_t port) {
  SocketAddress result;
  auto& address = *reinterpret_cast<sockaddr_in6*>(&result.storage);
  if (inet_pton(AF_INET6, host.c_str(), &address.sin6_addr) != 1) {
    return std::nullopt;
  }
  address.sin6_family = AF_INET6;
  address.sin6_port = htons(port);
  result.length = sizeof(sockaddr_in6);
  return result;
}

}  // namespace

uint16_t SocketAddress::port() const {
  switch (family()) {
    case AF_INET:
      return ntohs(as_ipv4(storage).sin_port);
    case AF_INET6:
      return ntohs(as_ipv6(storage).sin6_port);
    default:
      return 0;
  }
}

std::string SocketAddress::to_string() const {
  switch (family()) {
    case AF_INET:
      return host_string() + ":" + std::to_string(port());
    case AF_INET6:
      return "[" + host_string() + "]:" + std::to_string(port());
    default:
      return "unknown";
  }
}

std::string_view SocketAddress::address_bytes() const {
  switch (family()) {
    case AF_INET: {
      const auto& address = as_ipv4(storage).sin_addr;
      return {reinterpret_cast<const char*>(&address), sizeof(address)};
    }
    case AF_INET6: {
      const auto& address = as_ipv6(storage).sin6_addr;
      return {reinterpret_cast<const char*>(&address), sizeof(address)};
    }
    default:
      return {};
  }
}

std::string SocketAddress::host_string() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  const void* address = nullptr;
  switch (family()) {
    case AF_INET:
      address = &as_ipv4(storage).sin_addr;
      break;
    case AF_INET6:
      address = &as_ipv6(storage).sin6_addr;
      break;
    default:
      return {};
  }
  if (inet_ntop(family(), address, buffer, sizeof(buffer)) == nullptr) {
    return {};
  }
  return buffer;
}

// Field-wise, because padding such as sin_zero may hold anything in addresses from the kernel.
bool SocketAddress::operator==(const SocketAddress& other) const {
  if (family() != other.family()) {
    return false;
  }
  switch (family()) {
    case AF_INET:
      return port() == other.port() && address_bytes() == other.address_bytes();
    case AF_INET6:
      return port() == other.port() && address_bytes() == other.address_bytes() &&
             as_ipv6(storage).sin6_scope_id == as_ipv6(other.storage).sin6_scope_id;
    default:
      return length == other.length && std::memcmp(&storage, &other.storage, length) == 0;
  }
}

SocketAddress socket_address_from(const sockaddr* address, socklen_t length) {
  SocketAddress result;
  if (address == nullptr) {
    return result;
  }
  result.length = std::min<socklen_t>(length, sizeof(result.storage));
  std::memcpy(&result.storage, address, result.length);
  return result;
}

std::optional<SocketAddress> parse_numeric_address(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  const auto port = parse_port_digits(text.substr(colon + 1));
  if (!port) {
    return std::nullopt;
  }
  const std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return make_ipv6(std::string(host.substr(1, host.size() - 2)), *port);
  }
  // A bare IPv6 address cannot be told apart from its port, hence the brackets rule.
  if (host.find(':') != std::string_view::npos) {
    return std::nullopt;
  }
  return make_ipv4(std::string(host), *port);
}

}  // namespace relay7
