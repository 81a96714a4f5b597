#include "relay7/config/dump.h"

#include "config/upstreams.h"

namespace relay7 {
namespace {

using Json = nlohmann::ordered_json;

const char* level_name(LogLevel level) {
  static constexpr const char* kNames[] = {"trace", "debug",    "info", "warn",
                                           "error", "critical", "off"};
  return kNames[static_cast<int>(level)];
}

Json dump_limits(const LimitsConfig& limits) {
  return Json{{"request_target", format_size(limits.request_target)},
              {"request_head", format_size(limits.request_head)},
              {"request_headers", limits.request_headers},
              {"response_head", format_size(limits.response_head)},
              {"response_headers", limits.response_headers}};
}

Json dump_timeouts(const TimeoutsConfig& timeouts) {
  return Json{{"client_header", format_duration(timeouts.client_header)},
              {"client_body", format_duration(timeouts.client_body)},
              {"keepalive", format_duration(timeouts.keepalive)},
              {"send", format_duration(timeouts.send)},
              {"upstream_connect", format_duration(timeouts.upstream_connect)},
              {"upstream_read", format_duration(timeouts.upstream_read)},
              {"upstream_send", format_duration(timeouts.upstream_send)},
              {"upstream_idle", format_duration(timeouts.upstream_idle)},
              {"tunnel_idle", format_duration(timeouts.tunnel_idle)}};
}

Json dump_upstream_server(const UpstreamServerConfig& server) {
  return Json{
      {"address", server.address_text}, {"weight", server.weight},
      {"max_fails", server.max_fails},  {"fail_timeout", format_duration(server.fail_timeout)},
      {"backup", server.backup},        {"down", server.down}};
}

Json dump_health_check(const HealthCheckConfig& check) {
  return Json{{"path", check.path},
              {"interval", format_duration(check.interval)},
              {"timeout", format_duration(check.timeout)},
              {"rise", check.rise},
              {"fall", check.fall},
              {"expect_status", {check.expect_status_min, check.expect_status_max}}};
}

Json dump_sticky(const StickyConfig& sticky) {
  Json out{{"cookie", sticky.cookie}, {"path", sticky.path}};
  if (sticky.max_age) {
    out["max_age"] = format_duration(*sticky.max_age);
  }
  return out;
}

// Absolute paths, as the loader resolved them; a "ca" left out is the system's store, and a
// "server_name" left out each server's own host.
Json dump_upstream_tls(const UpstreamTlsConfig& tls) {
  Json out = Json::object();
  if (!tls.ca.empty()) {
    out["ca"] = tls.ca;
  }
  if (!tls.server_name.empty()) {
    out["server_name"] = tls.server_name;
  }
  out["verify"] = tls.verify;
  if (!tls.cert.empty()) {
    out["cert"] = tls.cert;
    out["key"] = tls.key;
  }
  return out;
}

// An upstream's "max_fails" and "fail_timeout" are only defaults for its servers; each server's
// own values are written instead, which loads back the same.
Json dump_upstream(const UpstreamConfig& upstream) {
  Json out{{"balance", config::kBalanceNames[static_cast<size_t>(upstream.balance)]}};
  if (upstream.balance == BalanceMethod::hash) {
    out["hash_key"] = upstream.hash_key.text;
  }
  out["keepalive"] = upstream.keepalive;
  out["resolve"] = format_duration(upstream.resolve);
  Json servers = Json::array();
  for (const UpstreamServerConfig& server : upstream.servers) {
    servers.push_back(dump_upstream_server(server));
  }
  out["servers"] = std::move(servers);
  out["next_upstream_tries"] = upstream.next_upstream_tries;
  out["next_upstream_timeout"] = format_duration(upstream.next_upstream_timeout);
  out["fail_on_status"] = upstream.fail_on_status;
  if (upstream.health_check) {
    out["health_check"] = dump_health_check(*upstream.health_check);
  }
  if (upstream.sticky) {
    out["sticky"] = dump_sticky(*upstream.sticky);
  }
  if (upstream.tls) {
    out["tls"] = dump_upstream_tls(*upstream.tls);
  }
  return out;
}

// Without "nameservers" the system's are used, which the dump cannot name: they are read from
// /etc/resolv.conf when names are looked up.
Json dump_resolver(const ResolverConfig& resolver) {
  Json out{{"hosts_file", resolver.hosts_file}};
  if (resolver.nameservers) {
    Json nameservers = Json::array();
    for (const SocketAddress& nameserver : *resolver.nameservers) {
      nameservers.push_back(nameserver.to_string());
    }
    out["nameservers"] = std::move(nameservers);
  }
  return out;
}

Json dump_header_edits(const std::vector<HeaderEdit>& edits) {
  Json sets = Json::object();
  Json adds = Json::array();
  Json removes = Json::array();
  for (const HeaderEdit& edit : edits) {
    switch (edit.kind) {
      case HeaderEditKind::set:
        sets[edit.name] = edit.value.text;
        break;
      case HeaderEditKind::add:
        adds.push_back(Json::array({edit.name, edit.value.text}));
        break;
      case HeaderEditKind::remove:
        removes.push_back(edit.name);
        break;
    }
  }
  return Json{{"set", std::move(sets)}, {"add", std::move(adds)}, {"remove", std::move(removes)}};
}

// As written: the inherited and default rules are the loader's to merge again.
void dump_header_rules(const HeaderRulesConfig& rules, Json& out) {
  if (!rules.empty()) {
    out["header_rules"] = Json{{"request", dump_header_edits(rules.request)},
                               {"response", dump_header_edits(rules.response)}};
  }
}

Json dump_location(const LocationConfig& location, const Config& config) {
  Json out{{"path", location.path},
           {"match", location.match == MatchKind::exact ? "exact" : "prefix"},
           {"ignore_case", location.ignore_case}};
  if (location.max_body_size) {
    out["max_body_size"] = format_size(*location.max_body_size);
  }
  if (location.proxy_pass) {
    const UpstreamConfig* upstream = config.find_upstream(location.proxy_pass->upstream);
    out["proxy_pass"] = std::string(upstream != nullptr && upstream->tls ? "https://" : "http://") +
                        location.proxy_pass->upstream +
                        location.proxy_pass->uri_prefix.value_or("");
    out["retry_non_idempotent"] = location.retry_non_idempotent;
  } else if (location.return_action) {
    Json action{{"status", location.return_action->status}};
    if (!location.return_action->location.empty()) {
      action["location"] = location.return_action->location.text;
    }
    if (!location.return_action->body.empty()) {
      action["body"] = location.return_action->body;
    }
    out["return"] = std::move(action);
  } else if (location.serve) {
    out["serve"] = kServeKindNames[static_cast<size_t>(*location.serve)];
  }
  dump_header_rules(location.header_rules, out);
  return out;
}

// The paths as the loader resolved them (absolute), so the dump loads back from anywhere.
Json dump_tls(const ServerTlsConfig& tls) {
  Json certificates = Json::array();
  for (const TlsCertificateConfig& pair : tls.certificates) {
    certificates.push_back(Json{{"cert", pair.cert}, {"key", pair.key}});
  }
  Json protocols = Json::array();
  for (const TlsProtocol protocol : tls.protocols) {
    protocols.push_back(kTlsProtocolNames[static_cast<size_t>(protocol)]);
  }
  return Json{{"certificates", std::move(certificates)},
              {"protocols", std::move(protocols)},
              {"handshake_timeout", format_duration(tls.handshake_timeout)}};
}

// A plain string unless an option differs from its default, so that dumps of configs written
// with strings stay strings.
Json dump_listen(const ListenConfig& entry) {
  if (!entry.h2c && !entry.proxy_protocol && entry.backlog == kDefaultListenBacklog) {
    return Json(entry.text);
  }
  Json out{{"address", entry.text}};
  if (entry.h2c) {
    out["h2c"] = true;
  }
  if (entry.proxy_protocol) {
    out["proxy_protocol"] = true;
  }
  if (entry.backlog != kDefaultListenBacklog) {
    out["backlog"] = entry.backlog;
  }
  return out;
}

Json dump_server(const ServerConfig& server, const Config& config) {
  Json listen = Json::array();
  for (const ListenConfig& entry : server.listen) {
    listen.push_back(dump_listen(entry));
  }
  Json locations = Json::array();
  for (const LocationConfig& location : server.locations) {
    locations.push_back(dump_location(location, config));
  }
  Json out{{"listen", std::move(listen)},
           {"server_names", server.server_names},
           {"max_body_size", format_size(server.max_body_size)},
           {"encoded_slashes", kEncodedSlashesNames[static_cast<size_t>(server.encoded_slashes)]}};
  if (server.tls) {
    out["tls"] = dump_tls(*server.tls);
  }
  out["http2"] = server.http2;
  dump_header_rules(server.header_rules, out);
  out["locations"] = std::move(locations);
  return out;
}

}  // namespace

std::string format_size(uint64_t bytes) {
  constexpr std::pair<uint64_t, char> kUnits[] = {
      {1ULL << 30, 'g'}, {1ULL << 20, 'm'}, {1ULL << 10, 'k'}};
  for (const auto& [unit, suffix] : kUnits) {
    if (bytes != 0 && bytes % unit == 0) {
      return std::to_string(bytes / unit) + suffix;
    }
  }
  return std::to_string(bytes);
}

std::string format_duration(Duration duration) {
  const auto milliseconds = duration.count();
  if (milliseconds != 0 && milliseconds % 3600000 == 0) {
    return std::to_string(milliseconds / 3600000) + "h";
  }
  if (milliseconds != 0 && milliseconds % 60000 == 0) {
    return std::to_string(milliseconds / 60000) + "m";
  }
  if (milliseconds % 1000 == 0) {
    return std::to_string(milliseconds / 1000) + "s";
  }
  return std::to_string(milliseconds) + "ms";
}

nlohmann::ordered_json dump_config(const Config& config) {
  Json out;
  out["workers"] = config.workers == 0 ? Json("auto") : Json(config.workers);
  out["worker_connections"] = config.worker_connections;
  out["pid_file"] = config.pid_file;
  if (!config.user.empty()) {
    out["user"] = config.user;
  }
  if (!config.group.empty()) {
    out["group"] = config.group;
  }
  out["shutdown_timeout"] = format_duration(config.shutdown_timeout);
  out["error_log"] = {{"path", config.error_log.path},
                      {"level", level_name(config.error_log.level)}};
  out["access_log"] = {{"path", config.access_log.path}, {"format", config.access_log.format}};
  out["timeouts"] = dump_timeouts(config.timeouts);
  out["limits"] = dump_limits(config.limits);
  out["resolver"] = dump_resolver(config.resolver);
  if (config.real_ip) {
    Json from = Json::array();
    for (const AddressRange& range : config.real_ip->from) {
      from.push_back(range.to_string());
    }
    out["real_ip"] = {{"from", std::move(from)}, {"header", config.real_ip->header}};
  }
  if (config.request_id) {
    out["request_id"] = {{"header", config.request_id->header},
                         {"trust", config.request_id->trust},
                         {"return", config.request_id->return_to_client}};
  }
  out["http2"] = {{"max_concurrent_streams", config.http2.max_concurrent_streams},
                  {"max_resets_per_second", config.http2.max_resets_per_second},
                  {"max_control_frames_per_second", config.http2.max_control_frames_per_second}};
  Json upstreams = Json::object();
  for (const UpstreamConfig& upstream : config.upstreams) {
    // Upstreams made for a `proxy_pass http://HOST:PORT` are written as that proxy_pass.
    if (!upstream.implicit) {
      upstreams[upstream.name] = dump_upstream(upstream);
    }
  }
  out["upstreams"] = std::move(upstreams);
  Json servers = Json::array();
  for (const ServerConfig& server : config.servers) {
    servers.push_back(dump_server(server, config));
  }
  out["servers"] = std::move(servers);
  return out;
}

}  // namespace relay7
