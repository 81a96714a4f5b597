#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/routing/header_rules.h"

namespace relay7 {

struct ProxyAction {
  size_t upstream_index = 0;              // index into Config::upstreams
  std::optional<std::string> uri_prefix;  // replaces the matched location prefix when set
  bool retry_non_idempotent = false;
};

struct LocalResponseAction {
  int status = 0;
  TextTemplate location;
  std::string body;
};

// relay7's own state, answered from the worker that took the request (see relay7/metrics/).
struct ServeAction {
  ServeKind kind = ServeKind::metrics;
};

struct Location {
  std::string path;  // lower-cased when ignore_case
  MatchKind match = MatchKind::prefix;
  bool ignore_case = false;
  uint64_t max_body_size = 0;  // the location's, else its server's; 0: no limit
  std::variant<ProxyAction, LocalResponseAction, ServeAction> action;
  // Shared with the server block (and its other locations) when the location has no rules.
  std::shared_ptr<const HeaderRuleSet> header_rules;
};

// One server block's locations, indexed once at load so a lookup is a hash probe for exact
// matches plus a scan of prefixes from longest to shortest.
class VirtualServer {
 public:
  explicit VirtualServer(const ServerConfig& config, const Config& whole);
  const Location* match(std::string_view path) const;
  const std::vector<Location>& locations() const { return locations_; }
  EncodedSlashes encoded_slashes() const { return encoded_slashes_; }
  // $host of a request that names no host (HTTP/1.0 without Host): the block's first exact
  // server name, else empty, as nginx's.
  const std::string& fallback_host() const { return fallback_host_; }
  // The rules of an answer no location matched (404): the defaults and the block's own.
  const HeaderRuleSet& header_rules() const { return *header_rules_; }

 private:
  EncodedSlashes encoded_slashes_;
  std::shared_ptr<const HeaderRuleSet> header_rules_;
  std::string fallback_host_;
  std::vector<Location> locations_;
  std::unordered_map<std::string, size_t> exact_;
  std::unordered_map<std::string, size_t> exact_ignoring_case_;  // keys lower-cased
  std::vector<size_t> prefixes_longest_first_;
};

// The server blocks reachable through one listening address, selected by Host.
struct ListenerRoutes {
  SocketAddress address;
  std::string address_text;
  std::string port_text;  // $server_port
  size_t default_server = 0;
  // Every block on the address serves TLS (the config allows no mix): the default block's
  // context starts each handshake and SNI picks the block's certificates by select().
  bool tls = false;
  bool h2c = false;  // cleartext HTTP/2 with prior knowledge (the config makes blocks agree)
  bool proxy_protocol = false;  // a PROXY protocol header comes first (blocks agree too)
  unsigned backlog = kDefaultListenBacklog;
  std::unordered_map<std::string, size_t> exact_names;
  std::vector<std::pair<std::string, size_t>> wildcard_suffixes;  // ".example.com", longest first

  size_t select(std::string_view normalized_host) const;
};

class RouteTable {
 public:
  explicit RouteTable(const Config& config);

  // One entry per distinct listening address, in the order they first appear in the config.
  const std::vector<ListenerRoutes>& listeners() const { return listeners_; }
  const VirtualServer& server(size_t index) const { return servers_[index]; }
  // The rules of an answer given before a server block was chosen (a malformed request).
  const HeaderRuleSet& default_header_rules() const { return default_header_rules_; }
  // Some rule in force somewhere names $request_id: requests need an ID even without request_id.
  bool uses_request_id() const { return uses_request_id_; }

 private:
  HeaderRuleSet default_header_rules_;
  bool uses_request_id_ = false;
  std::vector<VirtualServer> servers_;
  std::vector<ListenerRoutes> listeners_;
};

// Lower-cases a Host value and strips its port and a trailing dot: "Example.COM.:80" ->
// "example.com".
std::string normalize_host(std::string_view host);

// The path sent upstream for a request path matched by `location` (see relay7.json(5)). False
// when replacing the matched prefix would join a dot-segment ("/summary../admin" under
// "/summary" -> "/": "/../admin"), which the backend would resolve to a path no location checked.
[[nodiscard]] bool build_upstream_path(const Location& location, const ProxyAction& action,
                                       std::string_view path, std::string& out);

}  // namespace relay7
