#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/nginx_import/directive.h"

namespace relay7::nginx_import {

// What the translators read out of an nginx config, each value with the directive it came from,
// before it is written as relay7 JSON. Only what relay7 can express is kept.

template <class T>
struct Sourced {
  T value;
  SourceRef where;
};

// relay7's timeouts, in the order of its "timeouts" object.
enum class TimeoutKind : size_t {
  client_header,
  client_body,
  keepalive,
  send,
  upstream_connect,
  upstream_read,
  upstream_send,
};
inline constexpr size_t kTimeoutKinds = 7;

// A server's TLS directives, which nginx inherits from http to server each as a whole list:
// ssl_certificate and ssl_certificate_key may repeat (an ECDSA and an RSA pair), the Nth key
// going with the Nth certificate.
struct TlsSettings {
  std::optional<Sourced<std::vector<std::string>>> certificates;  // absolute paths
  std::optional<Sourced<std::vector<std::string>>> keys;          // absolute paths
  std::optional<Sourced<std::vector<std::string>>> protocols;     // relay7's names

  bool any() const { return certificates || keys || protocols; }
  void inherit_from(const TlsSettings& outer);
};

// Settings nginx inherits from http to server to location, a level's own value winning.
struct InheritedSettings {
  std::optional<Sourced<uint64_t>> max_body_size;  // client_max_body_size
  std::array<std::optional<Sourced<Duration>>, kTimeoutKinds> timeouts;
  std::optional<Sourced<std::string>> access_log;  // a path or "off"
  // The header names (as written) this level's proxy_set_header directives set. nginx inherits
  // them only to a level that sets none of its own.
  std::optional<Sourced<std::vector<std::string>>> proxy_headers;
  TlsSettings tls;  // http and server only
  // The realip module: a level with any set_real_ip_from replaces the outer level's list, as
  // nginx merges it.
  std::optional<Sourced<std::vector<std::string>>> real_ip_from;
  std::optional<Sourced<std::string>> real_ip_header;
  std::optional<Sourced<bool>> real_ip_recursive;

  // Fills every setting this level leaves unset from `outer`.
  void inherit_from(const InheritedSettings& outer);
};

struct UpstreamServerModel {
  std::string address;  // HOST:PORT
  SourceRef where;
  std::optional<uint64_t> weight;
  std::optional<uint64_t> max_fails;
  std::optional<Duration> fail_timeout;
  bool backup = false;
  bool down = false;
};

struct UpstreamModel {
  std::string name;
  SourceRef where;
  std::optional<Sourced<std::string>> balance;  // "ip_hash", "hash", "least_conn"
  std::string hash_key;
  std::optional<Sourced<uint64_t>> keepalive;
  bool shared_zone = false;  // `zone`: nginx shares least_conn counts between workers too
  std::vector<UpstreamServerModel> servers;
};

struct ProxyPassModel {
  std::string url;  // relay7's form: "http://UPSTREAM[/PREFIX]" or "http://HOST:PORT[/PREFIX]"
  bool implicit_upstream = false;  // to an address, not to an upstream block
  SourceRef where;
};

struct ReturnModel {
  int status = 0;
  std::string location;
  std::string body;
  SourceRef where;
};

struct LocationModel {
  std::string path;
  bool exact = false;
  SourceRef where;
  std::optional<size_t> parent;  // index of the enclosing location in the server's list
  InheritedSettings settings;    // its own; effective ones once inherit_settings() has run
  std::optional<ProxyPassModel> proxy_pass;
  std::optional<ReturnModel> return_action;
};

struct ListenModel {
  std::string text;  // relay7's listen syntax
  SourceRef where;
  bool default_server = false;
  bool ssl = false;  // "listen ... ssl": the address serves TLS
  // "listen ... http2": relay7 offers HTTP/2 on TLS addresses by default; on a plain one it
  // means cleartext HTTP/2 with prior knowledge.
  bool http2 = false;
  // "proxy_protocol": nginx takes it for the address if any block's listen says it.
  bool proxy_protocol = false;
  std::optional<uint64_t> backlog = std::nullopt;  // "backlog=N"
};

struct ServerModel {
  SourceRef where;
  std::vector<ListenModel> listen;
  std::vector<std::string> names;
  InheritedSettings settings;  // its own; effective ones once inherit_settings() has run
  std::vector<LocationModel> locations;
};

struct ErrorLogModel {
  std::string path;
  std::string level;  // relay7's level name
};

struct ConfigModel {
  std::optional<Sourced<std::string>> user;
  std::optional<Sourced<std::string>> group;
  std::optional<Sourced<std::string>> workers;  // "auto" or a number, as relay7 writes it
  std::optional<Sourced<uint64_t>> worker_connections;
  std::optional<Sourced<std::string>> pid_file;
  std::optional<Sourced<ErrorLogModel>> error_log;
  std::optional<Sourced<Duration>> shutdown_timeout;
  std::optional<SourceRef> events;
  std::optional<SourceRef> http;
  InheritedSettings http_settings;
  std::vector<UpstreamModel> upstreams;
  std::vector<ServerModel> servers;
};

// Gives every server and location its effective settings (http -> server -> location -> nested
// location), as nginx merges them once the whole file is read.
void inherit_settings(ConfigModel& model);

}  // namespace relay7::nginx_import
