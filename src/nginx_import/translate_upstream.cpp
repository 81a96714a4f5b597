#include <algorithm>
#include <cctype>

#include "nginx_import/translation.h"
#include "nginx_import/values.h"

namespace relay7::nginx_import {
namespace {

// Reads one "key=value" or flag parameter of an upstream server; false when it cannot be kept.
bool read_server_parameter(Translation& t, const Directive& d, std::string_view parameter,
                           UpstreamServerModel& server) {
  const size_t equals = parameter.find('=');
  const std::string_view key = parameter.substr(0, equals);
  const std::string_view value =
      equals == std::string_view::npos ? std::string_view() : parameter.substr(equals + 1);
  if (key == "weight" || key == "max_fails" || key == "max_conns") {
    const auto number = parse_count(value);
    if (!number || (key == "weight" && *number == 0)) {
      t.invalid_value(d, parameter, "a whole number after \"" + std::string(key) + "=\"");
      return false;
    }
    if (key == "weight") {
      server.weight = number;
    } else if (key == "max_fails") {
      server.max_fails = number;
    } else if (*number != 0) {  // max_conns=0 is nginx's default: no limit
      t.not_translated(d, "relay7 does not cap the connections to one server");
      return false;
    }
    return true;
  }
  if (key == "fail_timeout") {
    server.fail_timeout = parse_nginx_time(value);
    if (!server.fail_timeout) {
      t.invalid_value(d, parameter, "a time after \"fail_timeout=\"");
      return false;
    }
    return true;
  }
  if (parameter == "backup" || parameter == "down") {
    (parameter == "backup" ? server.backup : server.down) = true;
    return true;
  }
  if (key == "resolve" || key == "service" || key == "slow_start" || key == "route" ||
      key == "drain") {
    t.not_translated(d, "relay7 has no " + std::string(key) +
                            " for upstream servers; it resolves names once, at load");
    return false;
  }
  t.messages.error(d.where, "invalid parameter " + quote_text(parameter));
  return false;
}

void translate_upstream_server(Translation& t, const Directive& d, UpstreamModel& upstream) {
  const std::string& address = d.args[0];
  if (address.starts_with("unix:")) {
    t.not_translated(d, "relay7 connects to backends over TCP only");
    return;
  }
  UpstreamServerModel server;
  server.address = with_port(address);
  server.where = d.where;
  bool usable = true;
  for (size_t i = 1; i < d.args.size(); ++i) {
    usable = read_server_parameter(t, d, d.args[i], server) && usable;
  }
  if (usable) {
    upstream.servers.push_back(std::move(server));
  }
}

void set_balance(Translation& t, const Directive& d, UpstreamModel& upstream, std::string balance) {
  if (upstream.balance) {
    t.messages.warning(d.where, "load balancing method redefined (line " +
                                    std::to_string(upstream.balance->where.line) +
                                    "): the last one counts, as in nginx");
  }
  upstream.balance = Sourced<std::string>{std::move(balance), d.where};
}

bool is_variable_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

// The relay7 hash_key for an nginx key, or nullopt when relay7 cannot hash it.
std::optional<std::string> hash_key(std::string_view key) {
  if (key == "$remote_addr" || key == "$binary_remote_addr") {
    return "$remote_addr";  // both stand for the client address
  }
  if (key == "$uri") {
    return std::string(key);
  }
  for (const std::string_view prefix : {"$http_", "$cookie_"}) {
    if (key.starts_with(prefix) && is_variable_name(key.substr(prefix.size()))) {
      return std::string(key);
    }
  }
  return std::nullopt;
}

void translate_hash(Translation& t, const Directive& d, UpstreamModel& upstream) {
  const bool consistent = d.args.size() > 1;
  if (consistent && d.args[1] != "consistent") {
    t.messages.error(d.where, "invalid parameter " + quote_text(d.args[1]));
    return;
  }
  const auto key = hash_key(d.args[0]);
  if (!key) {
    t.not_translated(
        d,
        "relay7 hashes one of $remote_addr, $uri, $http_NAME or $cookie_NAME, "
        "alone" +
            std::string(d.args[0] == "$request_uri" ? "; $uri is the path without the query string"
                                                    : ""));
    return;
  }
  set_balance(t, d, upstream, "hash");
  upstream.hash_key = *key;
  t.messages.warning(
      d.where, consistent ? "relay7's hash ring is not nginx's: each key still keeps one server, "
                            "but not necessarily the one nginx chose"
                          : "without \"consistent\" nginx maps a key to a server by modulo, so a "
                            "change of servers moves most keys; relay7 always uses a consistent "
                            "ring, which moves only the keys of the server that changed (and maps "
                            "keys to other servers than nginx did)");
}

void translate_upstream_directive(Translation& t, const Directive& d, UpstreamModel& upstream) {
  if (d.name == "server") {
    translate_upstream_server(t, d, upstream);
  } else if (d.name == "ip_hash") {
    set_balance(t, d, upstream, "ip_hash");
    t.messages.warning(d.where,
                       "relay7 hashes a client's whole address; nginx hashes the first three "
                       "octets of an IPv4 address, so clients of one /24 share a server in nginx "
                       "but not in relay7, and a client may get another server than nginx gave it");
  } else if (d.name == "least_conn") {
    set_balance(t, d, upstream, "least_conn");
  } else if (d.name == "hash") {
    translate_hash(t, d, upstream);
  } else if (d.name == "keepalive") {
    const auto count = parse_count(d.args[0]);
    if (!count || *count == 0) {
      t.invalid_value(d, d.args[0], "a number of connections");
      return;
    }
    upstream.keepalive = Sourced<uint64_t>{*count, d.where};
  }
}

}  // namespace

void translate_upstream(Translation& t, const Directive& directive) {
  const std::string& name = directive.args[0];
  const bool duplicate = std::any_of(t.model.upstreams.begin(), t.model.upstreams.end(),
                                     [&](const UpstreamModel& u) { return u.name == name; });
  if (duplicate) {
    t.messages.error(directive.where, "duplicate upstream " + quote_text(name));
    return;
  }
  UpstreamModel upstream;
  upstream.name = name;
  upstream.where = directive.where;
  size_t server_lines = 0;
  for (const Directive& d : directive.block) {
    if (d.name == "zone" && d.args.size() >= 1 && !d.has_block) {
      upstream.shared_zone = true;
    }
    if (accept_directive(t, d, kUpstream)) {
      server_lines += d.name == "server" ? 1 : 0;
      translate_upstream_directive(t, d, upstream);
    }
  }
  if (server_lines == 0) {
    t.messages.error(directive.where, "no servers are inside upstream");
  }
  if (upstream.balance && upstream.balance->value == "least_conn" && !upstream.shared_zone) {
    t.messages.warning(upstream.balance->where,
                       "relay7 counts the requests in flight across all its workers; nginx "
                       "counts them per worker, as this upstream has no zone");
  }
  // An upstream left without servers is reported above; relay7 would only refuse it again.
  if (!upstream.servers.empty()) {
    t.model.upstreams.push_back(std::move(upstream));
  }
}

}  // namespace relay7::nginx_import
