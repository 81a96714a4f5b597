#pragma once

#include <string>

#include "relay7/config/config.h"
#include "relay7/net/socket_address.h"

namespace relay7 {

// What names a member of an upstream wherever it must stay the same across workers, reloads,
// restarts and re-resolutions: its hash ring points, its sticky cookie ID, its shared-state slot
// (with the upstream's name). An IP address server is its address as written ("10.0.0.1:80"), as
// before names could stand for several members, so existing rings and cookies do not move. One
// address of a name is "NAME:PORT/ADDRESS" ("app.internal:80/10.0.0.7"): when the name's
// addresses change, only the members of the addresses that came or went appear or disappear.
std::string member_identity(const UpstreamServerConfig& server, const SocketAddress& address);

}  // namespace relay7
