#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/host_lookups.h"
#include "relay7/net/socket_address.h"

namespace relay7::config {

// An upstream "HOST:PORT" or "[IPv6]:PORT", checked but not resolved.
struct HostPort {
  std::optional<SocketAddress> literal;  // set when HOST is an IP address
  std::string name;                      // otherwise HOST, lower-cased
  uint16_t port = 0;
};

struct HostPortResult {
  std::optional<HostPort> host_port;
  std::string error;  // why the text is unusable, naming it; empty on success
};

HostPortResult parse_host_port(std::string_view text);

struct ResolvedAddresses {
  std::vector<SocketAddress> addresses;     // with the port; sorted; at most kMaxAddressesPerName
  std::optional<std::chrono::seconds> ttl;  // of a name's answer, when it had one
  std::string error;                        // why there is none, naming `text`; empty on success
};

// The address of a literal, or every address the name resolves to (the lowest
// kMaxAddressesPerName of them), each with the port. `text` is what the error quotes.
ResolvedAddresses resolve_addresses(const HostPort& host_port, std::string_view text,
                                    HostLookups& lookups);

}  // namespace relay7::config
