#include "config/upstreams.h"

#include <algorithm>
#include <cctype>

#include "config/json_path.h"
#include "config/upstream_options.h"

namespace relay7::config {
namespace {

constexpr int64_t kMaxKeepalive = 10000;

// No ':' so that "http://HOST:PORT" in proxy_pass can never be mistaken for an upstream name.
bool is_valid_upstream_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

// Backups carry traffic only while no primary can: an upstream of backups alone is a mistake
// (usually a misplaced "backup"), not a way to balance. Checked only when every entry was read, as
// an entry with errors might have been the primary.
void check_has_primary(const std::string& upstream_path, const UpstreamConfig& upstream,
                       size_t entries, Diagnostics& diagnostics) {
  if (upstream.servers.size() != entries) {
    return;
  }
  if (std::all_of(upstream.servers.begin(), upstream.servers.end(),
                  [](const UpstreamServerConfig& s) { return s.backup; })) {
    diagnostics.error(upstream_path,
                      "no primary servers (every server is a \"backup\"; backups are used only "
                      "while no primary is available)");
  }
}

void read_servers(const Node& node, const std::string& upstream_path,
                  const UpstreamServerConfig& defaults, UpstreamConfig& upstream,
                  Diagnostics& diagnostics) {
  const auto entries = read_array(node, "\"HOST:PORT\" strings or objects", diagnostics);
  if (!entries) {
    return;
  }
  if (entries->empty()) {
    diagnostics.error(upstream_path, "no servers");
    return;
  }
  std::vector<size_t> indices;  // JSON index of each entry in upstream.servers
  for (size_t i = 0; i < entries->size(); ++i) {
    auto server = read_upstream_server((*entries)[i], defaults, diagnostics);
    if (!server) {
      continue;
    }
    const auto earlier =
        std::find_if(upstream.servers.begin(), upstream.servers.end(),
                     [&](const UpstreamServerConfig& s) { return s.address == server->address; });
    if (earlier != upstream.servers.end()) {
      diagnostics.error((*entries)[i].path,
                        quote_json(server->address_text) +
                            " is listed twice (same address as servers[" +
                            std::to_string(indices[earlier - upstream.servers.begin()]) + "])");
      continue;
    }
    upstream.servers.push_back(std::move(*server));
    indices.push_back(i);
  }
  check_has_primary(upstream_path, upstream, entries->size(), diagnostics);
}

// "hash_key" belongs to "balance": "hash" alone; under another method it would be silently
// ignored, hiding a forgotten or mistyped "balance".
void read_balance(const ObjectReader& object, UpstreamConfig& upstream, Diagnostics& diagnostics) {
  const auto hash_key = object.find("hash_key");
  if (const auto balance = object.find("balance")) {
    const std::vector<std::string_view> names(std::begin(kBalanceNames), std::end(kBalanceNames));
    const auto index = read_choice(*balance, names, diagnostics);
    if (!index) {
      // Which method was meant is unknown: check the key itself, not whether it belongs.
      if (hash_key) {
        read_hash_key(*hash_key, diagnostics);
      }
      return;
    }
    upstream.balance = static_cast<BalanceMethod>(*index);
  }
  if (upstream.balance != BalanceMethod::hash) {
    if (hash_key) {
      diagnostics.error(hash_key->path,
                        "only allowed with \"balance\": \"hash\", not " +
                            quote_json(kBalanceNames[static_cast<size_t>(upstream.balance)]));
    }
    return;
  }
  if (!hash_key) {
    diagnostics.error(object.path(),
                      "\"balance\": \"hash\" needs a \"hash_key\" (\"$remote_addr\", \"$uri\", "
                      "\"$http_NAME\" or \"$cookie_NAME\")");
    return;
  }
  assign_if(upstream.hash_key, read_hash_key(*hash_key, diagnostics));
}

std::optional<UpstreamConfig> read_upstream(const Node& node, const std::string& name,
                                            Diagnostics& diagnostics) {
  const auto object = ObjectReader::open(
      node,
      {"balance", "hash_key", "keepalive", "max_fails", "fail_timeout", "servers",
       "next_upstream_tries", "next_upstream_timeout", "fail_on_status", "health_check", "sticky"},
      diagnostics);
  if (!object) {
    return std::nullopt;
  }
  UpstreamConfig upstream;
  upstream.name = name;
  read_balance(*object, upstream, diagnostics);
  if (const auto keepalive = object->find("keepalive")) {
    assign_if(upstream.keepalive, read_integer(*keepalive, 0, kMaxKeepalive, diagnostics));
  }
  UpstreamServerConfig defaults;
  read_failure_limits(*object, defaults, diagnostics);
  if (const auto servers = object->require("servers", diagnostics)) {
    read_servers(*servers, node.path, defaults, upstream, diagnostics);
  }
  read_retry_policy(*object, upstream, diagnostics);
  if (const auto health_check = object->find("health_check")) {
    upstream.health_check = read_health_check(*health_check, diagnostics);
  }
  if (const auto sticky = object->find("sticky")) {
    upstream.sticky = read_sticky(*sticky, diagnostics);
  }
  return upstream;
}

}  // namespace

UpstreamsSection read_upstreams(const Node& node, Diagnostics& diagnostics) {
  UpstreamsSection section;
  if (!node.value.is_object()) {
    diagnostics.error(node.path,
                      "expected an object of named upstreams, got " + type_name(node.value));
    return section;
  }
  for (const auto& [name, value] : node.value.items()) {
    const Node upstream_node{value, path_key(node.path, name)};
    if (is_valid_upstream_name(name)) {
      section.names.push_back(name);
    } else {
      diagnostics.error(
          upstream_node.path,
          quote_json(name) +
              " is not a valid upstream name (use letters, digits, '_', '.' and '-')");
    }
    if (auto upstream = read_upstream(upstream_node, name, diagnostics)) {
      section.upstreams.push_back(std::move(*upstream));
    }
  }
  return section;
}

}  // namespace relay7::config
