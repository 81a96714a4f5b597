#pragma once

#include <string>

#include "relay7/net/socket_address.h"
#include "relay7/net/unique_fd.h"

namespace relay7 {

inline constexpr int kListenBacklog = 511;

// A non-blocking socket bound to `address` with SO_REUSEPORT, not listening yet; an invalid fd
// and `error` naming the address and the reason when that fails. It joins the SO_REUSEPORT group
// of `address` only at start_listening(): until then the kernel queues no connection on it.
UniqueFd bind_reuseport_socket(const SocketAddress& address, std::string& error);

// listen() on a socket from bind_reuseport_socket: it joins the group, last in the group's order.
// On a socket listening already, it only changes the backlog (Linux keeps the socket's place).
bool start_listening(int fd, const SocketAddress& address, std::string& error,
                     int backlog = kListenBacklog);

// Whether a socket without SO_REUSEPORT can bind `address`: false, with `error` saying "cannot bind
// ADDRESS: Address already in use", while any socket listens on it. SO_REUSEPORT alone would let a
// second relay7 of the same user join the first one's group and silently take a share of its
// connections.
bool probe_exclusive_bind(const SocketAddress& address, std::string& error);

}  // namespace relay7
