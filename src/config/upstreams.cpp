#include "config/upstreams.h"

#include <algorithm>
#include <cctype>

#include "config/json_path.h"

namespace relay7::config {
namespace {

constexpr int64_t kMaxKeepalive = 10000;

// No ':' so that "http://HOST:PORT" in proxy_pass can never be mistaken for an upstream name.
bool is_valid_upstream_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

void read_servers(const Node& node, const std::string& upstream_path, UpstreamConfig& upstream,
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
    auto server = read_upstream_server((*entries)[i], diagnostics);
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
}

std::optional<UpstreamConfig> read_upstream(const Node& node, const std::string& name,
                                            Diagnostics& diagnostics) {
  const auto object = ObjectReader::open(node, {"balance", "keepalive", "servers"}, diagnostics);
  if (!object) {
    return std::nullopt;
  }
  UpstreamConfig upstream;
  upstream.name = name;
  if (const auto balance = object->find("balance")) {
    // Same order as the BalanceMethod enumerators.
    if (const auto index = read_choice(*balance, {"round_robin", "ip_hash"}, diagnostics)) {
      upstream.balance = static_cast<BalanceMethod>(*index);
    }
  }
  if (const auto keepalive = object->find("keepalive")) {
    assign_if(upstream.keepalive, read_integer(*keepalive, 0, kMaxKeepalive, diagnostics));
  }
  if (const auto servers = object->require("servers", diagnostics)) {
    read_servers(*servers, node.path, upstream, diagnostics);
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
