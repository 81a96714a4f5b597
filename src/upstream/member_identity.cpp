#include "relay7/upstream/member_identity.h"

namespace relay7 {

std::string member_identity(const UpstreamServerConfig& server, const SocketAddress& address) {
  if (!server.is_name()) {
    return server.address_text;
  }
  return server.name + ':' + std::to_string(server.port) + '/' + address.host_string();
}

}  // namespace relay7
