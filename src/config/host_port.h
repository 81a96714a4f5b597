#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "relay7/net/socket_address.h"

namespace relay7::config {

struct ResolvedAddress {
  std::optional<SocketAddress> address;
  std::string error;  // why there is no address, naming the text; empty on success
};

// Turns an upstream "HOST:PORT" or "[IPv6]:PORT" into an address. Names are resolved once, here,
// with getaddrinfo (first result), so that nothing is looked up while serving.
ResolvedAddress resolve_host_port(std::string_view text);

}  // namespace relay7::config
