#pragma once

#include <map>
#include <memory>
#include <string>

#include "relay7/config/config.h"
#include "relay7/resolver/host_resolver.h"

namespace relay7::config {

// The host names of one config load, each resolved once with the config's "resolver" settings
// (a name used by several servers or upstreams costs one lookup). The resolver is made on the
// first name, so a config of IP addresses never sets one up.
class HostLookups {
 public:
  HostLookups(ResolverConfig settings, const HostResolverFactory& factory)
      : settings_(std::move(settings)), factory_(factory) {}

  // The reference stays valid for the life of this object.
  const LookupResult& resolve(const std::string& name);

 private:
  ResolverConfig settings_;
  const HostResolverFactory& factory_;
  std::unique_ptr<HostResolver> resolver_;
  std::string setup_error_;  // why the resolver could not be made
  std::map<std::string, LookupResult> answers_;
};

}  // namespace relay7::config
