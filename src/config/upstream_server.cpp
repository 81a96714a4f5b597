#include "config/host_port.h"
#include "config/upstreams.h"

namespace relay7::config {
namespace {

constexpr int64_t kMaxWeight = 1000;

std::optional<UpstreamServerConfig> resolve(const Node& node, const std::string& text,
                                            Diagnostics& diagnostics) {
  const auto resolved = resolve_host_port(text);
  if (!resolved.address) {
    diagnostics.error(node.path, resolved.error);
    return std::nullopt;
  }
  return UpstreamServerConfig{text, *resolved.address, 1};
}

std::optional<UpstreamServerConfig> read_server_object(const Node& node, Diagnostics& diagnostics) {
  const auto object = ObjectReader::open(node, {"address", "weight"}, diagnostics);
  if (!object) {
    return std::nullopt;
  }
  std::optional<UpstreamServerConfig> server;
  if (const auto address = object->require("address", diagnostics)) {
    if (const auto text = read_string(*address, diagnostics)) {
      server = resolve(*address, *text, diagnostics);
    }
  }
  const auto weight_node = object->find("weight");
  const auto weight =
      weight_node ? read_integer(*weight_node, 1, kMaxWeight, diagnostics) : std::nullopt;
  if (server && weight) {
    server->weight = static_cast<uint32_t>(*weight);
  }
  return weight_node && !weight ? std::nullopt : server;
}

}  // namespace

std::optional<UpstreamServerConfig> read_upstream_server(const Node& node,
                                                         Diagnostics& diagnostics) {
  if (node.value.is_string()) {
    return resolve(node, node.value.get<std::string>(), diagnostics);
  }
  if (node.value.is_object()) {
    return read_server_object(node, diagnostics);
  }
  diagnostics.error(node.path, "expected \"HOST:PORT\" or an object with \"address\", got " +
                                   type_name(node.value));
  return std::nullopt;
}

}  // namespace relay7::config
