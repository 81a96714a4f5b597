#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/diagnostics.h"
#include "config/host_lookups.h"
#include "config/proxy_pass_url.h"
#include "relay7/config/config.h"

namespace relay7::config {

// What proxy_pass may refer to: the upstream blocks of the file, plus the implicit upstreams
// created on demand for direct "http://HOST:PORT" targets.
class UpstreamCatalog {
 public:
  // Where proxy_pass named an upstream with each scheme: the JSON path of the first such
  // proxy_pass, empty when none did.
  struct SchemeUses {
    std::string http;
    std::string https;
  };

  // Direct targets' host names are resolved through `lookups`.
  UpstreamCatalog(std::vector<std::string> defined_names, HostLookups& lookups)
      : defined_names_(std::move(defined_names)), lookups_(lookups) {}

  // The name ProxyPassConfig::upstream should hold, or nullopt after reporting at `path`.
  std::optional<std::string> upstream_for(const ProxyPassUrl& url, const std::string& path,
                                          Diagnostics& diagnostics);

  // By upstream name, every upstream a proxy_pass named successfully.
  const std::map<std::string, SchemeUses>& scheme_uses() const { return scheme_uses_; }

  // Implicit upstreams in order of first use.
  std::vector<UpstreamConfig> take_implicit() { return std::move(implicit_); }

 private:
  std::optional<std::string> resolve(const ProxyPassUrl& url, const std::string& path,
                                     Diagnostics& diagnostics);
  bool defined(const std::string& name) const;
  std::optional<std::string> named(const std::string& name, const std::string& path,
                                   Diagnostics& diagnostics) const;
  std::optional<std::string> direct(const std::string& host_port, const std::string& path,
                                    Diagnostics& diagnostics);

  std::vector<std::string> defined_names_;
  HostLookups& lookups_;
  std::vector<UpstreamConfig> implicit_;
  // Each distinct HOST:PORT is checked once; failures are remembered to be reported again.
  std::map<std::string, std::string> failures_;
  std::map<std::string, SchemeUses> scheme_uses_;
};

}  // namespace relay7::config
