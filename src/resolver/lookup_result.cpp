#include "relay7/resolver/lookup_result.h"

#include <netinet/in.h>

#include <algorithm>

namespace relay7 {

bool address_less(const SocketAddress& a, const SocketAddress& b) {
  if (a.family() != b.family()) {
    return a.family() < b.family();
  }
  if (a.address_bytes() != b.address_bytes()) {
    return a.address_bytes() < b.address_bytes();
  }
  return a.port() < b.port();
}

std::vector<SocketAddress> sorted_unique(std::vector<SocketAddress> addresses) {
  std::sort(addresses.begin(), addresses.end(), address_less);
  addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
  return addresses;
}

SocketAddress with_port(SocketAddress address, uint16_t port) {
  if (address.family() == AF_INET) {
    reinterpret_cast<sockaddr_in*>(&address.storage)->sin_port = htons(port);
  } else if (address.family() == AF_INET6) {
    reinterpret_cast<sockaddr_in6*>(&address.storage)->sin6_port = htons(port);
  }
  return address;
}

std::string join_hosts(std::span<const SocketAddress> addresses) {
  std::string joined;
  for (const SocketAddress& address : addresses) {
    if (!joined.empty()) {
      joined += ", ";
    }
    joined += address.host_string();
  }
  return joined;
}

}  // namespace relay7
