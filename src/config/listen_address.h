#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "relay7/net/socket_address.h"

namespace relay7::config {

struct ListenAddress {
  std::optional<SocketAddress> address;
  std::string error;  // why there is no address, naming the text; empty on success
};

// "PORT" and "*:PORT" (all IPv4 interfaces), "IPv4:PORT", "[IPv6]:PORT". Names are not
// accepted: what a name resolves to can change, and the bind must not depend on DNS.
ListenAddress parse_listen_address(std::string_view text);

// 0.0.0.0 or [::]: binds every interface of its family.
bool is_wildcard(const SocketAddress& address);

}  // namespace relay7::config
