#pragma once

#include <event2/event.h>

#include <memory>

#include "relay7/net/socket_address.h"
#include "relay7/tls/tls_peer.h"
#include "relay7/transport/transport.h"

namespace relay7 {

// A new connection to an upstream server whose connect is under way: plain, or TLS to `tls`
// when it is set (the server's upstream is named with "https://"). nullptr (and errno) when no
// socket could be made. Never throws: pools and probes call it from event callbacks.
std::unique_ptr<Transport> connect_upstream(event_base* base, const SocketAddress& address,
                                            const std::shared_ptr<TlsPeer>& tls) noexcept;

}  // namespace relay7
