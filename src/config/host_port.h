#pragma once

#include <string>
#include <string_view>

#include "config/host_lookups.h"
#include "relay7/config/config.h"

namespace relay7::config {

// Fills server.address_text, name, port, addresses and ttl from an upstream "HOST:PORT" or
// "[IPv6]:PORT": an IP address as it is, a name with every address `lookups` gives it (the
// lowest kMaxAddressesPerName), each with the port. Returns why the text is unusable, naming it,
// or "" on success; `server` is changed only on success.
std::string assign_host_port(std::string_view text, UpstreamServerConfig& server,
                             HostLookups& lookups);

}  // namespace relay7::config
