#include "config/upstreams.h"

#include <algorithm>
#include <cctype>

#include "config/global_settings.h"
#include "config/json_path.h"
#include "config/upstream_options.h"
#include "config/upstream_tls.h"

namespace relay7::config {
namespace {

constexpr int64_t kMaxKeepalive = 10000;
constexpr Duration kMinResolveInterval{std::chrono::seconds(1)};

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

// Two entries are the same server when both are the same IP address and port, or both the same
// name and port. A name may share an address with another entry: its addresses are not the
// config's to choose, and each entry is a member of its own.
bool same_server(const UpstreamServerConfig& a, const UpstreamServerConfig& b) {
  if (a.is_name() || b.is_name()) {
    return a.name == b.name && a.port == b.port;
  }
  return a.addresses == b.addresses;
}

std::string same_what(const UpstreamServerConfig& server) {
  return server.is_name() ? "same name and port" : "same address";
}

void read_servers(const Node& node, const std::string& upstream_path,
                  const UpstreamServerConfig& defaults, UpstreamConfig& upstream,
                  HostLookups& lookups, Diagnostics& diagnostics) {
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
    auto server = read_upstream_server((*entries)[i], defaults, lookups, diagnostics);
    if (!server) {
      continue;
    }
    const auto earlier =
        std::find_if(upstream.servers.begin(), upstream.servers.end(),
                     [&](const UpstreamServerConfig& s) { return same_server(s, *server); });
    if (earlier != upstream.servers.end()) {
      diagnostics.error((*entries)[i].path,
                        quote_json(server->address_text) + " is listed twice (" +
                            same_what(*server) + " as servers[" +
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

// "0s", or at least a second: a name asked for more often than that is a load on its DNS servers
// that buys nothing, as workers take up new addresses on a 100 ms tick anyway.
std::optional<Duration> read_resolve_interval(const Node& node, Diagnostics& diagnostics) {
  const auto interval = read_duration(node, Duration(0), kMaxTimeout, diagnostics);
  if (interval && *interval != Duration(0) && *interval < kMinResolveInterval) {
    diagnostics.error(node.path,
                      "must be at least \"1s\" (or \"0s\": resolve names only when "
                      "the config is loaded)");
    return std::nullopt;
  }
  return interval;
}

std::optional<UpstreamConfig> read_upstream(const Node& node, const std::string& name,
                                            const std::filesystem::path& config_dir,
                                            HostLookups& lookups, Diagnostics& diagnostics) {
  const auto object =
      ObjectReader::open(node,
                         {"balance", "hash_key", "keepalive", "max_fails", "fail_timeout",
                          "servers", "resolve", "next_upstream_tries", "next_upstream_timeout",
                          "fail_on_status", "health_check", "sticky", "tls"},
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
    read_servers(*servers, node.path, defaults, upstream, lookups, diagnostics);
  }
  if (const auto resolve = object->find("resolve")) {
    assign_if(upstream.resolve, read_resolve_interval(*resolve, diagnostics));
  }
  read_retry_policy(*object, upstream, diagnostics);
  if (const auto health_check = object->find("health_check")) {
    upstream.health_check = read_health_check(*health_check, diagnostics);
  }
  if (const auto sticky = object->find("sticky")) {
    upstream.sticky = read_sticky(*sticky, diagnostics);
  }
  if (const auto tls = object->find("tls")) {
    upstream.tls = read_upstream_tls(*tls, config_dir, diagnostics);
  }
  return upstream;
}

}  // namespace

UpstreamsSection read_upstreams(const Node& node, const std::filesystem::path& config_dir,
                                HostLookups& lookups, Diagnostics& diagnostics) {
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
    if (auto upstream = read_upstream(upstream_node, name, config_dir, lookups, diagnostics)) {
      section.upstreams.push_back(std::move(*upstream));
    }
  }
  return section;
}

void check_server_slots(const Config& config, Diagnostics& diagnostics) {
  const size_t needed = config.server_slot_count();
  if (needed <= kMaxServerSlotsPerConfig) {
    return;
  }
  size_t names = 0;
  for (const UpstreamConfig& upstream : config.upstreams) {
    names += static_cast<size_t>(std::count_if(upstream.servers.begin(), upstream.servers.end(),
                                               [](const auto& s) { return s.is_name(); }));
  }
  diagnostics.error(
      "upstreams", "the upstream servers need " + std::to_string(needed) + " shared-state slots (" +
                       std::to_string(names) + " names x " + std::to_string(kMaxAddressesPerName) +
                       " + " + std::to_string(needed - names * kMaxAddressesPerName) +
                       " IP addresses), more than the " + std::to_string(kMaxServerSlotsPerConfig) +
                       " one config may hold");
}

}  // namespace relay7::config
