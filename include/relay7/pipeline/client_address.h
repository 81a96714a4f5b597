#pragma once

#include <string_view>

#include "relay7/config/config.h"
#include "relay7/http/header_list.h"
#include "relay7/net/address_range.h"

namespace relay7 {

// The address a request is from. Without real_ip, or from a peer real_ip does not trust, it is
// the peer's. From a trusted peer it is taken from the header real_ip names (several fields of
// it read as one list, in order): the right-most address that is not a trusted proxy; where an
// entry is not an address, or every entry is trusted, the last address read stands, as
// nginx's realip module with real_ip_recursive on decides.
//
// `peer` is SocketAddress::address_bytes of the connection. Returns false when the peer's
// address stands (then `client` is untouched).
// Whether `address` (SocketAddress::address_bytes) is one of the proxies real_ip trusts.
bool is_trusted_proxy(const RealIpConfig& real_ip, std::string_view address);

bool client_address_from_header(const RealIpConfig& real_ip, std::string_view peer,
                                const HeaderList& headers, IpAddress& client);

}  // namespace relay7
