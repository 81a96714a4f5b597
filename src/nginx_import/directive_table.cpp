#include "nginx_import/directive_table.h"

#include <array>

namespace relay7::nginx_import {
namespace {

constexpr unsigned kMainOnly = kMain;

// Every directive the import knows by name. To translate a new one (TLS, header rules, log
// formats when relay7 has them), change its handling here and read it in the translator of its
// block (translate_*.cpp); relay7(8), IMPORTING FROM NGINX, lists this table.
constexpr auto kRules = std::to_array<DirectiveRule>({
    // The main block.
    {"user", kMainOnly, 1, 2, false, Handling::translated, "user, group"},
    {"worker_processes", kMainOnly, 1, 1, false, Handling::translated, "workers"},
    {"pid", kMainOnly, 1, 1, false, Handling::translated, "pid_file"},
    {"error_log", kMain | kHttpLevels, 1, 2, false, Handling::translated, "error_log"},
    {"worker_shutdown_timeout", kMainOnly, 1, 1, false, Handling::translated, "shutdown_timeout"},
    {"daemon", kMainOnly, 1, 1, false, Handling::restated_when,
     "relay7 never detaches from its terminal; run it under a service manager", "off"},
    {"master_process", kMainOnly, 1, 1, false, Handling::restated_when,
     "relay7 always runs a master process and workers", "on"},
    {"events", kMainOnly, 0, 0, true, Handling::translated, "(its directives)"},
    {"http", kMainOnly, 0, 0, true, Handling::translated, "(its directives)"},

    // events
    {"worker_connections", kEvents, 1, 1, false, Handling::translated, "worker_connections"},
    {"use", kEvents, 1, 1, false, Handling::no_effect,
     "relay7 uses the best event method of the system (epoll on Linux)"},

    // http, server, location
    {"upstream", kHttp, 1, 1, true, Handling::translated, "upstreams.NAME"},
    {"server", kHttp, 0, 0, true, Handling::translated, "servers[]"},
    {"listen", kServer, 1, kNoLimit, false, Handling::translated, "servers[].listen"},
    {"server_name", kServer, 1, kNoLimit, false, Handling::translated, "servers[].server_names"},
    {"location", kServer | kLocation, 1, 2, true, Handling::translated,
     "servers[].locations[] (path, match)"},
    {"client_max_body_size", kHttpLevels, 1, 1, false, Handling::translated,
     "servers[].max_body_size, locations[].max_body_size"},
    {"proxy_pass", kLocation, 1, 1, false, Handling::translated, "locations[].proxy_pass"},
    {"return", kServer | kLocation, 1, 2, false, Handling::translated, "locations[].return"},
    {"proxy_set_header", kHttpLevels, 2, 2, false, Handling::translated,
     "(what relay7 sends already, else not translated: write it as a header rule)"},
    {"proxy_http_version", kHttpLevels, 1, 1, false, Handling::restated_when,
     "relay7 always speaks HTTP/1.1 to backends", "1.1"},
    {"proxy_connect_timeout", kHttpLevels, 1, 1, false, Handling::translated,
     "timeouts.upstream_connect"},
    {"proxy_read_timeout", kHttpLevels, 1, 1, false, Handling::translated,
     "timeouts.upstream_read"},
    {"proxy_send_timeout", kHttpLevels, 1, 1, false, Handling::translated,
     "timeouts.upstream_send"},
    {"client_header_timeout", kHttp | kServer, 1, 1, false, Handling::translated,
     "timeouts.client_header"},
    {"client_body_timeout", kHttpLevels, 1, 1, false, Handling::translated, "timeouts.client_body"},
    {"send_timeout", kHttpLevels, 1, 1, false, Handling::translated, "timeouts.send"},
    {"keepalive_timeout", kHttpLevels, 1, 2, false, Handling::translated, "timeouts.keepalive"},
    {"access_log", kHttpLevels, 1, kNoLimit, false, Handling::translated, "access_log"},
    {"set_real_ip_from", kHttpLevels, 1, 1, false, Handling::translated, "real_ip.from"},
    {"real_ip_header", kHttpLevels, 1, 1, false, Handling::translated,
     "real_ip.header (proxy_protocol: the listen object's proxy_protocol)"},
    {"real_ip_recursive", kHttpLevels, 1, 1, false, Handling::translated,
     "(relay7's real_ip always walks as \"on\" does)"},
    {"log_format", kHttp, 2, kNoLimit, false, Handling::translated,
     "(read by access_log; not translated: write it as access_log.format)"},
    {"proxy_buffering", kHttpLevels, 1, 1, false, Handling::restated_when,
     "relay7 always streams responses to the client as they arrive, with backpressure", "off"},
    {"proxy_request_buffering", kHttpLevels, 1, 1, false, Handling::restated_when,
     "relay7 always streams request bodies to the backend as they arrive", "off"},
    {"tcp_nodelay", kHttpLevels, 1, 1, false, Handling::restated_when,
     "relay7 always sets TCP_NODELAY", "on"},
    {"server_tokens", kHttpLevels, 1, 1, false, Handling::restated_when,
     "relay7 never sends its version (\"Server: relay7\" on the responses it makes itself)", "off"},
    {"ssl_certificate", kHttp | kServer, 1, 1, false, Handling::translated,
     "servers[].tls.certificates[].cert"},
    {"ssl_certificate_key", kHttp | kServer, 1, 1, false, Handling::translated,
     "servers[].tls.certificates[].key"},
    {"ssl_protocols", kHttp | kServer, 1, kNoLimit, false, Handling::translated,
     "servers[].tls.protocols (TLSv1.2 and TLSv1.3; older ones are dropped)"},
    {"ssl_ciphers", kHttp | kServer, 1, 1, false, Handling::no_effect,
     "relay7 offers Mozilla's \"intermediate\" ciphers, a fixed list (relay7.json(5), TLS)"},
    {"ssl_prefer_server_ciphers", kHttp | kServer, 1, 1, false, Handling::no_effect,
     "every cipher relay7 offers is strong, so the client's order is used, as Mozilla advises"},
    {"ssl_ecdh_curve", kHttp | kServer, 1, 1, false, Handling::no_effect,
     "relay7 offers the groups X25519 and P-256"},
    {"ssl_dhparam", kHttp | kServer, 1, 1, false, Handling::no_effect,
     "relay7 uses OpenSSL's built-in DH groups of at least 2048 bits"},
    {"ssl_session_cache", kHttp | kServer, 1, 2, false, Handling::no_effect,
     "relay7 resumes sessions with tickets and a session cache that all its workers share"},
    {"ssl_session_timeout", kHttp | kServer, 1, 1, false, Handling::no_effect,
     "relay7 resumes a session for up to 2 hours"},
    {"ssl_session_tickets", kHttp | kServer, 1, 1, false, Handling::restated_when,
     "relay7 always issues session tickets, with keys its master rotates", "on"},
    {"sendfile", kHttpLevels, 1, 1, false, Handling::no_effect, "relay7 serves no files"},
    {"tcp_nopush", kHttpLevels, 1, 1, false, Handling::no_effect,
     "it works with sendfile, and relay7 serves no files"},
    {"types", kHttpLevels, 0, 0, true, Handling::no_effect,
     "MIME types are for files, and relay7 serves no files"},
    {"default_type", kHttpLevels, 1, 1, false, Handling::no_effect,
     "MIME types are for files, and relay7 serves no files"},
    {"types_hash_max_size", kHttpLevels, 1, 1, false, Handling::no_effect,
     "it sizes an nginx-internal table"},
    {"types_hash_bucket_size", kHttpLevels, 1, 1, false, Handling::no_effect,
     "it sizes an nginx-internal table"},
    {"server_names_hash_max_size", kHttp, 1, 1, false, Handling::no_effect,
     "it sizes an nginx-internal table"},
    {"server_names_hash_bucket_size", kHttp, 1, 1, false, Handling::no_effect,
     "it sizes an nginx-internal table"},
    {"variables_hash_max_size", kHttp, 1, 1, false, Handling::no_effect,
     "it sizes an nginx-internal table"},
    {"variables_hash_bucket_size", kHttp, 1, 1, false, Handling::no_effect,
     "it sizes an nginx-internal table"},

    // upstream
    {"server", kUpstream, 1, kNoLimit, false, Handling::translated, "upstreams.NAME.servers[]"},
    {"ip_hash", kUpstream, 0, 0, false, Handling::translated, "balance: ip_hash"},
    {"least_conn", kUpstream, 0, 0, false, Handling::translated, "balance: least_conn"},
    {"hash", kUpstream, 1, 2, false, Handling::translated, "balance: hash, hash_key"},
    {"keepalive", kUpstream, 1, 1, false, Handling::translated, "upstreams.NAME.keepalive"},
    {"keepalive_timeout", kUpstream, 1, 1, false, Handling::not_translated,
     "relay7 keeps up to keepalive idle backend connections until the backend closes them, and "
     "those beyond it for 1 second"},
    {"keepalive_requests", kUpstream, 1, 1, false, Handling::not_translated,
     "relay7 does not limit the requests of one backend connection"},
    {"keepalive_time", kUpstream, 1, 1, false, Handling::not_translated,
     "relay7 does not limit the lifetime of a backend connection"},
    {"zone", kUpstream, 1, 2, false, Handling::no_effect,
     "relay7 always shares upstream state (health, least_conn counts) between its workers"},
});

struct ModuleReason {
  // A directive name, or a prefix when it ends with '_' ("ssl_" covers "ssl_protocols").
  std::string_view name;
  std::string_view reason;
};

constexpr std::string_view kNoTls =
    "relay7 has no such TLS setting: relay7.json(5), TLS, lists what it has";
constexpr std::string_view kNoFiles = "relay7 serves no files: serve them from a backend";
constexpr std::string_view kHttpOnly =
    "relay7 proxies to HTTP/1.1 backends only: keep nginx in front of these";
constexpr std::string_view kNoVariables =
    "relay7 has no variables: express it with locations, or in the backends";
constexpr std::string_view kNoHeaderRules =
    "write it as a response header rule (header_rules in relay7.json(5))";
constexpr std::string_view kNoAddressRules =
    "relay7 has no address rules: block a location with return 403 instead";

// Why the directives of nginx modules relay7 lacks are not translated; the first entry that
// matches wins, so a prefix comes after the names it must not cover.
constexpr auto kModuleReasons = std::to_array<ModuleReason>({
    {"proxy_ssl_",
     "the import does not write TLS to backends yet: write the upstream's \"tls\" object by hand "
     "(relay7.json(5), UPSTREAMS)"},
    {"ssl", "use \"listen ... ssl\" (nginx itself removed \"ssl on\" in 1.25.1)"},
    {"ssl_", kNoTls},
    {"http2",
     "relay7 offers HTTP/2 on every TLS block unless the block says \"http2\": false; "
     "cleartext HTTP/2 is a listen object with \"h2c\": true (relay7.json(5), HTTP/2)"},
    {"http2_",
     "relay7's HTTP/2 limits are its top-level \"http2\" object (relay7.json(5), HTTP/2)"},
    {"http3", "relay7 speaks HTTP/1.1 and HTTP/2 only: keep nginx in front for HTTP/3"},
    {"http3_", "relay7 speaks HTTP/1.1 and HTTP/2 only: keep nginx in front for HTTP/3"},
    {"quic_", "relay7 speaks HTTP/1.1 and HTTP/2 only: keep nginx in front for HTTP/3"},
    {"gzip", "relay7 does not compress responses: let the backends compress"},
    {"gzip_", "relay7 does not compress responses: let the backends compress"},
    {"gunzip", "relay7 does not decompress responses: let the backends send what clients accept"},
    {"fastcgi_", kHttpOnly},
    {"uwsgi_", kHttpOnly},
    {"scgi_", kHttpOnly},
    {"grpc_", kHttpOnly},
    {"memcached_", kHttpOnly},
    {"proxy_cache", "relay7 has no response cache: cache in the backends or in front"},
    {"proxy_cache_", "relay7 has no response cache: cache in the backends or in front"},
    {"proxy_next_upstream",
     "relay7 sets retries per upstream: next_upstream_tries, "
     "next_upstream_timeout and fail_on_status in relay7.json(5)"},
    {"proxy_next_upstream_",
     "relay7 sets retries per upstream: next_upstream_tries, "
     "next_upstream_timeout and fail_on_status in relay7.json(5)"},
    {"proxy_hide_header", kNoHeaderRules},
    {"proxy_pass_header",
     "relay7 passes every end-to-end field of the backend's response, Server and Date "
     "included"},
    {"proxy_", "relay7 has no such proxy setting: relay7.json(5) lists those it has"},
    {"limit_req", "relay7 has no per-client rate limits: limit in front of it or in the backends"},
    {"limit_req_", "relay7 has no per-client rate limits: limit in front of it or in the backends"},
    {"limit_conn",
     "relay7 has no per-client connection limits: limit in front of it or in the backends"},
    {"limit_conn_",
     "relay7 has no per-client connection limits: limit in front of it or in the backends"},
    {"limit_except", "relay7 has no method rules: the backends answer every method"},
    {"limit_rate", "relay7 does not throttle responses: drop it, or throttle in the backends"},
    {"limit_rate_", "relay7 does not throttle responses: drop it, or throttle in the backends"},
    {"auth_", "relay7 has no authentication: authenticate in the backends"},
    {"allow", kNoAddressRules},
    {"deny", kNoAddressRules},
    {"root", kNoFiles},
    {"alias", kNoFiles},
    {"index", kNoFiles},
    {"autoindex", kNoFiles},
    {"autoindex_", kNoFiles},
    {"try_files", kNoFiles},
    {"if", kNoVariables},
    {"set", kNoVariables},
    {"map", kNoVariables},
    {"geo", kNoVariables},
    {"split_clients", kNoVariables},
    {"rewrite",
     "relay7 rewrites paths only through a location's proxy_pass prefix: write the rewrite as a "
     "location whose proxy_pass ends in the new prefix"},
    {"break", "relay7 has no rewrite phase: drop it with the rewrites it ends"},
    {"add_header", kNoHeaderRules},
    {"add_trailer", "relay7 adds no trailers: add them in the backends"},
    {"expires", kNoHeaderRules},
    {"error_page", "relay7 has no custom error pages: the backends' own pages pass through"},
    {"resolver",
     "relay7 resolves backend names once, when the config is loaded: drop it, and reload "
     "relay7 when a name changes"},
    {"resolver_",
     "relay7 resolves backend names once, when the config is loaded: drop it, and reload "
     "relay7 when a name changes"},
    {"stream", "relay7 proxies HTTP only: keep nginx or use a TCP proxy for streams"},
    {"mail", "relay7 proxies HTTP only: keep nginx for mail"},
    {"load_module", "relay7 has no dynamic modules: drop it, with the directives of that module"},
});

bool matches(std::string_view entry, std::string_view name) {
  return entry.ends_with('_') ? name.starts_with(entry) : name == entry;
}

}  // namespace

std::span<const DirectiveRule> directive_rules() {
  return kRules;
}

const DirectiveRule* find_rule(std::string_view name, Context context) {
  for (const DirectiveRule& rule : kRules) {
    if (rule.name == name && (rule.contexts & context) != 0) {
      return &rule;
    }
  }
  return nullptr;
}

const DirectiveRule* rule_anywhere(std::string_view name) {
  for (const DirectiveRule& rule : kRules) {
    if (rule.name == name) {
      return &rule;
    }
  }
  return nullptr;
}

std::string reason_without_rule(std::string_view name) {
  for (const ModuleReason& module : kModuleReasons) {
    if (matches(module.name, name)) {
      return std::string(module.reason);
    }
  }
  return "relay7 has no equivalent: keep this part on nginx, or drop it";
}

std::vector<std::string_view> suggestion_candidates(Context context) {
  std::vector<std::string_view> names;
  for (const DirectiveRule& rule : kRules) {
    if ((rule.contexts & context) != 0) {
      names.push_back(rule.name);
    }
  }
  const auto all = nginx_directive_names();
  names.insert(names.end(), all.begin(), all.end());
  return names;
}

}  // namespace relay7::nginx_import
