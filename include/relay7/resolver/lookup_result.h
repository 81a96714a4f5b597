#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "relay7/net/socket_address.h"

namespace relay7 {

// What resolving one host name gave: every address, or why there is none.
struct LookupResult {
  // Port 0, in address order (IPv4 before IPv6), each once; empty when the lookup failed.
  std::vector<SocketAddress> addresses;
  // The shortest TTL of the answer; nullopt when it carried none (a hosts file) or said 0.
  std::optional<std::chrono::seconds> ttl;
  std::string error;  // why there is no address, e.g. "Domain name not found"; empty on success

  bool ok() const { return error.empty(); }
};

// The order addresses are kept and compared in: by family, then by bytes, then by port. It does
// not depend on the order a DNS server happens to answer in.
bool address_less(const SocketAddress& a, const SocketAddress& b);

// `addresses` sorted by address_less, without repeats.
std::vector<SocketAddress> sorted_unique(std::vector<SocketAddress> addresses);

// `address` with its port replaced: lookups give addresses, configs give ports.
SocketAddress with_port(SocketAddress address, uint16_t port);

// "127.0.0.2, 127.0.0.3" (addresses without their ports), for log lines.
std::string join_hosts(std::span<const SocketAddress> addresses);

}  // namespace relay7
