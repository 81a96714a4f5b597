#include "relay7/routing/route_table.h"

#include <algorithm>

#include "relay7/http/ascii.h"
#include "relay7/http/request_target.h"

namespace relay7 {
namespace {

size_t upstream_index_of(const Config& config, const std::string& name) {
  for (size_t i = 0; i < config.upstreams.size(); ++i) {
    if (config.upstreams[i].name == name) {
      return i;
    }
  }
  return 0;  // unreachable for a validated config
}

Location make_location(const LocationConfig& config, const ServerConfig& server,
                       const Config& whole,
                       const std::shared_ptr<const HeaderRuleSet>& server_rules) {
  Location location;
  location.header_rules = config.header_rules.empty()
                              ? server_rules
                              : std::make_shared<const HeaderRuleSet>(merge_header_rules(
                                    whole, &server.header_rules, &config.header_rules));
  location.path = config.path;
  location.match = config.match;
  location.ignore_case = config.ignore_case;
  location.max_body_size = config.max_body_size.value_or(server.max_body_size);
  if (config.ignore_case) {
    for (char& c : location.path) {
      c = ascii_lower(c);
    }
  }
  if (config.proxy_pass) {
    location.action = ProxyAction{upstream_index_of(whole, config.proxy_pass->upstream),
                                  config.proxy_pass->uri_prefix, config.retry_non_idempotent};
  } else if (config.serve) {
    location.action = ServeAction{*config.serve};
  } else {
    const ReturnConfig& ret = *config.return_action;
    location.action = LocalResponseAction{ret.status, ret.location, ret.body};
  }
  return location;
}

}  // namespace

VirtualServer::VirtualServer(const ServerConfig& config, const Config& whole)
    : encoded_slashes_(config.encoded_slashes),
      header_rules_(std::make_shared<const HeaderRuleSet>(
          merge_header_rules(whole, &config.header_rules, nullptr))) {
  const auto exact_name = std::find_if(
      config.server_names.begin(), config.server_names.end(),
      [](const std::string& name) { return !name.empty() && name.find('*') == std::string::npos; });
  if (exact_name != config.server_names.end()) {
    fallback_host_ = *exact_name;
  }
  for (const LocationConfig& location : config.locations) {
    locations_.push_back(make_location(location, config, whole, header_rules_));
    const size_t index = locations_.size() - 1;
    if (location.match == MatchKind::exact && location.ignore_case) {
      exact_ignoring_case_.emplace(locations_.back().path, index);
    } else if (location.match == MatchKind::exact) {
      exact_.emplace(location.path, index);
    } else {
      prefixes_longest_first_.push_back(index);
    }
  }
  std::stable_sort(
      prefixes_longest_first_.begin(), prefixes_longest_first_.end(),
      [this](size_t a, size_t b) { return locations_[a].path.size() > locations_[b].path.size(); });
}

const Location* VirtualServer::match(std::string_view path) const {
  if (!exact_.empty()) {
    if (auto found = exact_.find(std::string(path)); found != exact_.end()) {
      return &locations_[found->second];
    }
  }
  if (!exact_ignoring_case_.empty()) {
    std::string lowered(path);
    for (char& c : lowered) {
      c = ascii_lower(c);
    }
    if (auto found = exact_ignoring_case_.find(lowered); found != exact_ignoring_case_.end()) {
      return &locations_[found->second];
    }
  }
  for (size_t index : prefixes_longest_first_) {
    const Location& location = locations_[index];
    if (location.ignore_case ? istarts_with(path, location.path)
                             : path.starts_with(location.path)) {
      return &location;
    }
  }
  return nullptr;
}

size_t ListenerRoutes::select(std::string_view host) const {
  if (!exact_names.empty()) {
    if (auto found = exact_names.find(std::string(host)); found != exact_names.end()) {
      return found->second;
    }
  }
  for (const auto& [suffix, server] : wildcard_suffixes) {
    if (host.size() > suffix.size() && host.ends_with(suffix)) {
      return server;
    }
  }
  return default_server;
}

RouteTable::RouteTable(const Config& config)
    : default_header_rules_(merge_header_rules(config, nullptr, nullptr)) {
  uses_request_id_ = default_header_rules_.uses_request_id;
  servers_.reserve(config.servers.size());
  for (size_t s = 0; s < config.servers.size(); ++s) {
    const ServerConfig& server = config.servers[s];
    servers_.emplace_back(server, config);
    uses_request_id_ =
        uses_request_id_ || servers_.back().header_rules().uses_request_id ||
        std::any_of(servers_.back().locations().begin(), servers_.back().locations().end(),
                    [](const Location& l) { return l.header_rules->uses_request_id; });
    for (const ListenConfig& listen : server.listen) {
      auto existing =
          std::find_if(listeners_.begin(), listeners_.end(),
                       [&](const ListenerRoutes& l) { return l.address == listen.address; });
      if (existing == listeners_.end()) {
        listeners_.push_back(ListenerRoutes{listen.address,
                                            listen.address.to_string(),
                                            std::to_string(listen.address.port()),
                                            s,
                                            server.tls.has_value(),
                                            listen.h2c,
                                            listen.proxy_protocol,
                                            listen.backlog,
                                            {},
                                            {}});
        existing = listeners_.end() - 1;
      }
      for (const std::string& name : server.server_names) {
        if (name.starts_with("*.")) {
          existing->wildcard_suffixes.emplace_back(name.substr(1), s);
        } else {
          existing->exact_names.emplace(name, s);
        }
      }
    }
  }
  for (ListenerRoutes& listener : listeners_) {
    std::stable_sort(listener.wildcard_suffixes.begin(), listener.wildcard_suffixes.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  }
}

std::string normalize_host(std::string_view host) {
  if (host.starts_with('[')) {
    const size_t close = host.find(']');
    host = host.substr(0, close == std::string_view::npos ? host.size() : close + 1);
  } else if (const size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (host.ends_with('.')) {
    host.remove_suffix(1);
  }
  std::string out(host);
  for (char& c : out) {
    c = ascii_lower(c);
  }
  return out;
}

bool build_upstream_path(const Location& location, const ProxyAction& action, std::string_view path,
                         std::string& out) {
  if (!action.uri_prefix) {
    out.assign(path);
    return true;
  }
  std::string_view rest =
      location.match == MatchKind::exact ? std::string_view() : path.substr(location.path.size());
  out.assign(*action.uri_prefix);
  // nginx joins "/" and "/report" into "//report"; relay7 never creates an empty segment.
  if (!out.empty() && out.back() == '/' && rest.starts_with('/')) {
    rest.remove_prefix(1);
  }
  out.append(rest);
  return !has_dot_segment(out);
}

}  // namespace relay7
