#include "relay7/transport/upstream_connect.h"

#include "relay7/transport/tls_transport.h"

namespace relay7 {

std::unique_ptr<Transport> connect_upstream(event_base* base, const SocketAddress& address,
                                            const std::shared_ptr<TlsPeer>& tls) noexcept {
  if (tls) {
    return TlsTransport::connect(base, address, tls);
  }
  try {
    return Transport::connect(base, address);
  } catch (const std::bad_alloc&) {
    errno = ENOMEM;
    return nullptr;
  }
}

}  // namespace relay7
