#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relay7/config/text_template.h"
#include "relay7/http/request_target.h"
#include "relay7/net/address_range.h"
#include "relay7/net/socket_address.h"

namespace relay7 {

using Duration = std::chrono::milliseconds;

inline constexpr uint64_t kDefaultMaxBodySize = 64 * 1024 * 1024;

enum class LogLevel { trace, debug, info, warn, error, critical, off };

struct ErrorLogConfig {
  std::string path = "stderr";  // "stderr" or a file path
  LogLevel level = LogLevel::info;
};

enum class AccessLogFormat { combined, json, custom };

struct AccessLogConfig {
  std::string path = "off";         // "off", "stdout", "stderr" or a file path
  std::string format = "combined";  // as written: "combined", "json" or a template
  AccessLogFormat kind = AccessLogFormat::combined;
  TextTemplate line;  // AccessLogFormat::custom: the template of one line
};

// The ID each request carries (X-Request-ID), passed upstream and logged. Without this object a
// request still has one for $request_id in logs and header rules, but it is neither taken from
// the client nor passed on.
struct RequestIdConfig {
  std::string header = "X-Request-ID";
  // Keep the client's ID (when it is a sane token) rather than making one. Off, a client could
  // pick the ID another request's log lines carry. A peer real_ip trusts is trusted too.
  bool trust = false;
  bool return_to_client = false;  // "return": the response carries the ID in the same header
};

// One header rule as written: set replaces every field of the name, add appends one beside those
// already there, remove drops them.
enum class HeaderEditKind { set, add, remove };

struct HeaderEdit {
  HeaderEditKind kind = HeaderEditKind::set;
  std::string name;    // as written
  TextTemplate value;  // TemplateScope::header_rule; empty for remove
  bool operator==(const HeaderEdit& other) const = default;
};

// A server's or a location's "header_rules": edits of the request relay7 sends upstream and of the
// response it sends the client, in the order written (sets, then adds, then removes).
struct HeaderRulesConfig {
  std::vector<HeaderEdit> request;
  std::vector<HeaderEdit> response;
  bool empty() const { return request.empty() && response.empty(); }
};

enum class BalanceMethod { round_robin, ip_hash, hash, least_conn };

inline constexpr uint32_t kDefaultMaxFails = 1;
inline constexpr Duration kDefaultFailTimeout{std::chrono::seconds(10)};
inline constexpr Duration kDefaultResolveInterval{std::chrono::seconds(30)};

// A name stands for at most this many addresses (the lowest, in address order). Each of its
// positions has a shared-state slot of its own, reserved for as long as the name is in a config,
// so that resolving it again while running can never run out of slots.
inline constexpr size_t kMaxAddressesPerName = 16;
// Shared-state slots one config may reserve: one per IP address server, kMaxAddressesPerName per
// name. The master sizes the shared table from the config it starts with (see shared_state.h).
inline constexpr size_t kMaxServerSlotsPerConfig = 8192;

struct UpstreamServerConfig {
  std::string address_text;  // as written in the config, e.g. "app.internal:2222"
  // HOST when it is a name rather than an IP address, lower-cased: every address it resolves to
  // is a member of the upstream, and it is resolved again while running (UpstreamConfig::resolve).
  // Empty for an IP address.
  std::string name;
  uint16_t port = 0;
  // The IP address, or every address the name had when the config was loaded (sorted, at most
  // kMaxAddressesPerName). While running, a name's current addresses are in the shared state.
  std::vector<SocketAddress> addresses;
  // The TTL of the name's answer at load, when it had one: the first lookup while running is
  // due then at the latest.
  std::optional<std::chrono::seconds> ttl;
  uint32_t weight = 1;
  // Passive health: max_fails failures within fail_timeout take the server out for fail_timeout;
  // 0 turns passive checks off for this server.
  uint32_t max_fails = kDefaultMaxFails;
  Duration fail_timeout = kDefaultFailTimeout;
  bool backup = false;  // chosen only when no primary server is available
  bool down = false;    // never chosen, but keeps its place on a hash ring

  bool is_name() const { return !name.empty(); }
  // The shared-state slots the server reserves: one per position it may hold.
  size_t slot_count() const { return is_name() ? kMaxAddressesPerName : 1; }
};

// What the `hash` balancer hashes, compiled from "$remote_addr", "$uri", "$http_NAME" or
// "$cookie_NAME".
enum class HashKeySource { remote_addr, uri, header, cookie };

struct HashKeyConfig {
  HashKeySource source = HashKeySource::remote_addr;
  std::string name;  // the header name (lower-case) or the cookie name; empty otherwise
  std::string text;  // as written, e.g. "$http_x_user"
};

struct HealthCheckConfig {
  std::string path = "/health";  // origin-form target of the probe, query allowed
  Duration interval{std::chrono::seconds(2)};
  Duration timeout{std::chrono::seconds(1)};
  uint32_t rise = 2;  // consecutive good probes that bring a down server back
  uint32_t fall = 3;  // consecutive bad probes that take an up server out
  int expect_status_min = 200;
  int expect_status_max = 399;
};

struct StickyConfig {
  std::string cookie;  // the cookie's name
  std::string path = "/";
  std::optional<Duration> max_age;  // nullopt: a session cookie
};

class UpstreamTlsContext;  // relay7/tls/upstream_context.h: keeps OpenSSL out of the config model

// How relay7 speaks TLS to the servers of an upstream that proxy_pass names with "https://".
// Paths are absolute (a relative one in the config is relative to the config file's folder).
struct UpstreamTlsConfig {
  std::string ca;           // PEM file of trusted CAs; empty: the system's store
  std::string server_name;  // SNI and the name checked; empty: each server's own host
  bool verify = true;       // nginx's proxy_ssl_verify is off; a proxy should not be
  std::string cert;         // client certificate chain; empty (with key): none is sent
  std::string key;
  // The client SSL_CTX, made by the loader (in the master, before workers drop privileges) and
  // shared with every worker of the generation this config starts.
  std::shared_ptr<const UpstreamTlsContext> context;
};

struct UpstreamConfig {
  std::string name;
  BalanceMethod balance = BalanceMethod::round_robin;
  HashKeyConfig hash_key;   // used by BalanceMethod::hash
  uint32_t keepalive = 32;  // idle connections kept per worker; 0 disables reuse
  std::vector<UpstreamServerConfig> servers;
  std::optional<HealthCheckConfig> health_check;
  std::optional<StickyConfig> sticky;
  // Attempts per request, the first included; 0: each available server at most once.
  uint32_t next_upstream_tries = 0;
  Duration next_upstream_timeout{0};  // 0: no bound on the time spent retrying
  // Response statuses (5xx) that count as a failure of the server and are retried like one.
  std::vector<int> fail_on_status;
  bool implicit = false;  // created for a `proxy_pass http://HOST:PORT` with no upstream block
  // How often the servers given as names are resolved again while running (sooner when a DNS
  // answer's TTL is shorter); 0: only when a config is loaded.
  Duration resolve = kDefaultResolveInterval;
  std::optional<UpstreamTlsConfig> tls;  // set: proxy_pass names it with "https://"
};

// How host names are resolved: at load by the loader, while running by the master.
struct ResolverConfig {
  std::string hosts_file = "/etc/hosts";
  // nullopt: the system's (/etc/resolv.conf); empty: none, names come from hosts_file alone.
  std::optional<std::vector<SocketAddress>> nameservers;

  bool operator==(const ResolverConfig& other) const = default;
};

struct ProxyPassConfig {
  std::string upstream;                   // key into Config::upstreams
  std::optional<std::string> uri_prefix;  // nullopt: pass the client's path unchanged
};

struct ReturnConfig {
  int status = 0;
  TextTemplate location;  // for 3xx; variables expanded per request
  std::string body;
};

enum class MatchKind { prefix, exact };

// What a "serve" location answers from relay7's own state (see relay7/metrics/).
enum class ServeKind { metrics, status };
inline constexpr const char* kServeKindNames[] = {"metrics", "status"};

struct LocationConfig {
  std::string path;
  MatchKind match = MatchKind::prefix;
  // Match the path ignoring ASCII case, for backends that route case-insensitively (Express,
  // ASP.NET): a case-sensitive block of "/admin" would let "/ADMIN" through to them.
  bool ignore_case = false;
  std::optional<uint64_t> max_body_size;  // overrides the server's; 0: no limit
  // Retry POST, PATCH and other non-idempotent requests after their bytes reached a server that
  // then failed (the server may have acted on them).
  bool retry_non_idempotent = false;
  // Exactly one of proxy_pass, return and serve is set.
  std::optional<ProxyPassConfig> proxy_pass;
  std::optional<ReturnConfig> return_action;
  std::optional<ServeKind> serve;
  HeaderRulesConfig header_rules;  // on top of its server's
};

inline constexpr unsigned kDefaultListenBacklog = 511;  // nginx's default on Linux

struct ListenConfig {
  std::string text;  // as written, e.g. "80"
  SocketAddress address;
  // Cleartext HTTP/2 with prior knowledge: the connection preface comes before any Host, so this
  // belongs to the address, not to a server block.
  bool h2c = false;
  // Every connection starts with a PROXY protocol v1 or v2 header (an L4 balancer in front says
  // who the client is); one without is refused. Before TLS and HTTP, so it belongs to the address.
  bool proxy_protocol = false;
  // listen(2) backlog of the address's sockets (the kernel caps it at net.core.somaxconn).
  unsigned backlog = kDefaultListenBacklog;
};

// The TLS protocol versions a server may accept, as "protocols" names them.
enum class TlsProtocol { tls1_2, tls1_3 };
inline constexpr const char* kTlsProtocolNames[] = {"TLSv1.2", "TLSv1.3"};

inline constexpr Duration kDefaultHandshakeTimeout{std::chrono::seconds(10)};

// One certificate chain and its private key, as absolute paths (a relative one in the config is
// relative to the config file's folder).
struct TlsCertificateConfig {
  std::string cert;
  std::string key;
};

class ServerTlsContext;  // relay7/tls/server_context.h: keeps OpenSSL out of the config model

struct ServerTlsConfig {
  std::vector<TlsCertificateConfig> certificates;
  std::vector<TlsProtocol> protocols{TlsProtocol::tls1_2, TlsProtocol::tls1_3};  // ascending
  Duration handshake_timeout = kDefaultHandshakeTimeout;
  // ALPN offers h2 before http/1.1: the block's "http2" (ServerConfig::http2), set before the
  // context is made.
  bool alpn_h2 = true;
  // The certificates and keys, read by the loader (in the master, before workers drop
  // privileges) and shared with every worker of the generation this config starts.
  std::shared_ptr<const ServerTlsContext> context;
};

struct ServerConfig {
  std::vector<ListenConfig> listen;
  std::vector<std::string> server_names;  // lower-case; "*.example.com" allowed
  // Largest request body accepted (413 beyond); 0: no limit.
  uint64_t max_body_size = kDefaultMaxBodySize;
  EncodedSlashes encoded_slashes = EncodedSlashes::keep;
  std::vector<LocationConfig> locations;
  std::optional<ServerTlsConfig> tls;  // set: every address of the block serves TLS
  // Offers h2 by ALPN on its TLS addresses (SNI picks the block before ALPN is answered).
  bool http2 = true;
  HeaderRulesConfig header_rules;  // on top of the defaults (forwarded headers, request ID)
};

struct TimeoutsConfig {
  Duration client_header{std::chrono::seconds(60)};
  Duration client_body{std::chrono::seconds(60)};
  Duration keepalive{std::chrono::seconds(75)};
  Duration send{std::chrono::seconds(60)};
  Duration upstream_connect{std::chrono::seconds(5)};
  Duration upstream_read{std::chrono::seconds(60)};
  Duration upstream_send{std::chrono::seconds(60)};
  // A pooled upstream connection idle this long is closed, whatever the pool's size.
  Duration upstream_idle{std::chrono::seconds(60)};
  // A WebSocket (or other Upgrade) tunnel silent both ways this long is closed; 0: never.
  Duration tunnel_idle{std::chrono::hours(1)};
};

// Bounds on message heads, checked while they are parsed. Beyond the request ones the client gets
// 414 or 431; a backend's response head beyond its bounds is a 502.
struct LimitsConfig {
  uint64_t request_target = 8 * 1024;
  uint64_t request_head = 64 * 1024;  // the target plus every header name and value
  uint64_t request_headers = 100;
  uint64_t response_head = 64 * 1024;  // the reason plus every header name and value
  uint64_t response_headers = 100;
};

// HTTP/2 limits, per client connection. Each flood budget is a token bucket refilled at its rate
// and holding ten seconds' worth, so a burst a browser could make passes and a sustained flood
// does not.
struct Http2Config {
  uint32_t max_concurrent_streams = 128;
  uint32_t max_resets_per_second = 100;          // RST_STREAM from the client (Rapid Reset)
  uint32_t max_control_frames_per_second = 100;  // PING, SETTINGS, PRIORITY, empty DATA
};

// Whose address a request is from when it comes through trusted proxies (nginx's realip
// module with real_ip_recursive on).
struct RealIpConfig {
  std::vector<AddressRange> from;  // the trusted proxies
  std::string header = "X-Forwarded-For";
};

struct Config {
  std::string source_path;
  unsigned workers = 0;  // 0 means "auto": one per CPU
  // Client connections one worker serves at once; beyond it the worker stops accepting and new
  // connections wait in the listen backlog.
  unsigned worker_connections = 10000;
  std::string pid_file = "/run/relay7.pid";
  std::string user;   // privileges are dropped to this user; empty: not configured
  std::string group;  // and to this group; empty: not configured
  Duration shutdown_timeout{std::chrono::seconds(30)};
  ErrorLogConfig error_log;
  AccessLogConfig access_log;
  TimeoutsConfig timeouts;
  LimitsConfig limits;
  ResolverConfig resolver;
  std::optional<RealIpConfig> real_ip;
  std::optional<RequestIdConfig> request_id;
  Http2Config http2;
  std::vector<UpstreamConfig> upstreams;  // in file order; implicit ones appended
  std::vector<ServerConfig> servers;

  const UpstreamConfig* find_upstream(const std::string& name) const;
  // The shared-state slots every upstream server of this config reserves together.
  size_t server_slot_count() const;
};

}  // namespace relay7
