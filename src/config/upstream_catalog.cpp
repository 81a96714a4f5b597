#include "config/upstream_catalog.h"

#include <algorithm>

#include "config/host_port.h"
#include "config/json_path.h"
#include "config/suggest.h"

namespace relay7::config {

std::optional<std::string> UpstreamCatalog::upstream_for(const ProxyPassUrl& url,
                                                         const std::string& path,
                                                         Diagnostics& diagnostics) {
  return url.direct ? direct(url.authority, path, diagnostics)
                    : named(url.authority, path, diagnostics);
}

std::optional<std::string> UpstreamCatalog::named(const std::string& name, const std::string& path,
                                                  Diagnostics& diagnostics) const {
  if (std::find(defined_names_.begin(), defined_names_.end(), name) != defined_names_.end()) {
    return name;
  }
  const std::vector<std::string_view> candidates(defined_names_.begin(), defined_names_.end());
  diagnostics.error(
      path, "upstream " + quote_json(name) + " is not defined" + did_you_mean(name, candidates));
  return std::nullopt;
}

std::optional<std::string> UpstreamCatalog::direct(const std::string& host_port,
                                                   const std::string& path,
                                                   Diagnostics& diagnostics) {
  const auto known = std::find_if(implicit_.begin(), implicit_.end(),
                                  [&](const UpstreamConfig& u) { return u.name == host_port; });
  if (known != implicit_.end()) {
    return host_port;
  }
  if (const auto failed = failures_.find(host_port); failed != failures_.end()) {
    diagnostics.error(path, failed->second);
    return std::nullopt;
  }
  const HostPortResult parsed = parse_host_port(host_port);
  ResolvedAddresses resolved;
  if (parsed.host_port) {
    resolved = resolve_addresses(*parsed.host_port, host_port, lookups_);
  } else {
    resolved.error = parsed.error;
  }
  if (!resolved.error.empty()) {
    failures_.emplace(host_port, resolved.error);
    diagnostics.error(path, resolved.error);
    return std::nullopt;
  }
  UpstreamServerConfig server;
  server.address_text = host_port;
  server.name = parsed.host_port->name;
  server.port = parsed.host_port->port;
  server.addresses = std::move(resolved.addresses);
  server.ttl = resolved.ttl;
  UpstreamConfig upstream;
  upstream.name = host_port;
  upstream.implicit = true;
  upstream.servers.push_back(std::move(server));
  implicit_.push_back(std::move(upstream));
  return host_port;
}

}  // namespace relay7::config
