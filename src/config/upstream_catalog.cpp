#include "config/upstream_catalog.h"

#include <algorithm>

#include "config/host_port.h"
#include "config/json_path.h"
#include "config/suggest.h"

namespace relay7::config {

namespace {

constexpr std::string_view kDefaultHttpsPort = ":443";

// "HOST" or "[IPv6]" without ":PORT".
bool lacks_port(const std::string& authority) {
  return authority.back() == ']' || authority.find(':') == std::string::npos;
}

}  // namespace

std::optional<std::string> UpstreamCatalog::upstream_for(const ProxyPassUrl& url,
                                                         const std::string& path,
                                                         Diagnostics& diagnostics) {
  std::optional<std::string> name = resolve(url, path, diagnostics);
  if (name) {
    SchemeUses& uses = scheme_uses_[*name];
    std::string& first = url.tls ? uses.https : uses.http;
    if (first.empty()) {
      first = path;
    }
  }
  return name;
}

// "https://HOST" is HOST:443 unless HOST is an upstream of the file, as browsers and nginx take it.
std::optional<std::string> UpstreamCatalog::resolve(const ProxyPassUrl& url,
                                                    const std::string& path,
                                                    Diagnostics& diagnostics) {
  if (url.tls && lacks_port(url.authority) && !defined(url.authority)) {
    return direct(url.authority + std::string(kDefaultHttpsPort), path, diagnostics);
  }
  return url.direct ? direct(url.authority, path, diagnostics)
                    : named(url.authority, path, diagnostics);
}

bool UpstreamCatalog::defined(const std::string& name) const {
  return std::find(defined_names_.begin(), defined_names_.end(), name) != defined_names_.end();
}

std::optional<std::string> UpstreamCatalog::named(const std::string& name, const std::string& path,
                                                  Diagnostics& diagnostics) const {
  if (defined(name)) {
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
  UpstreamServerConfig server;
  const std::string error = assign_host_port(host_port, server, lookups_);
  if (!error.empty()) {
    failures_.emplace(host_port, error);
    diagnostics.error(path, error);
    return std::nullopt;
  }
  UpstreamConfig upstream;
  upstream.name = host_port;
  upstream.implicit = true;
  upstream.servers.push_back(std::move(server));
  implicit_.push_back(std::move(upstream));
  return host_port;
}

}  // namespace relay7::config
