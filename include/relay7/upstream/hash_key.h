#pragma once

#include <string_view>

#include "relay7/config/config.h"
#include "relay7/http/header_list.h"

namespace relay7 {

// The parts of a request a `hash` key can be taken from.
struct HashKeyInputs {
  std::string_view client_address;  // raw address bytes: 4 for IPv4, 16 for IPv6
  std::string_view path;            // normalised, so "/a/../b" and "/b" share a server
  const HeaderList& headers;
};

// The bytes the hash balancer hashes for this request; empty when the request lacks the header or
// cookie, which sends it round robin. The view points into `inputs`.
std::string_view hash_key_of(const HashKeyConfig& key, const HashKeyInputs& inputs);

}  // namespace relay7
