#pragma once

#include <functional>
#include <memory>
#include <string>

#include "relay7/config/config.h"
#include "relay7/resolver/lookup_result.h"

namespace relay7 {

// Resolves host names while a config is loaded (relay7 -t, start, reload): it waits for the
// answer, so it never runs in a worker or in the master's loop.
class HostResolver {
 public:
  virtual ~HostResolver() = default;
  virtual LookupResult resolve(const std::string& host) = 0;
};

// Makes the resolver for a config's "resolver" settings; nullptr with `error` set on failure.
using HostResolverFactory =
    std::function<std::unique_ptr<HostResolver>(const ResolverConfig& config, std::string& error)>;

// Through c-ares (DnsChannel): the same lookups the master makes while running.
std::unique_ptr<HostResolver> make_dns_resolver(const ResolverConfig& config, std::string& error);

}  // namespace relay7
