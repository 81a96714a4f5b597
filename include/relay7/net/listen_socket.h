#pragma once

#include <string>

#include "relay7/net/socket_address.h"
#include "relay7/net/unique_fd.h"

namespace relay7 {

inline constexpr int kListenBacklog = 511;

// Creates a non-blocking socket bound to `address` and listening; an invalid fd and `error`
// naming the address and the reason when that fails.
UniqueFd open_listen_socket(const SocketAddress& address, std::string& error);

}  // namespace relay7
