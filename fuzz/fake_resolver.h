// Host-name lookups for the harnesses: answered from the name itself, never through DNS.
#pragma once

#include "relay7/resolver/host_resolver.h"

namespace relay7::fuzz {

// What parse_config_text resolves names with in a harness (see fake_resolver.cpp).
HostResolverFactory fake_resolvers();

}  // namespace relay7::fuzz
