#include "config/global_settings.h"
#include "config/host_port.h"
#include "config/upstreams.h"

namespace relay7::config {
namespace {

constexpr int64_t kMaxWeight = 1000;
constexpr int64_t kMaxFails = 1000;

bool assign_address(const Node& node, const std::string& text, UpstreamServerConfig& server,
                    HostLookups& lookups, Diagnostics& diagnostics) {
  const std::string error = assign_host_port(text, server, lookups);
  if (!error.empty()) {
    diagnostics.error(node.path, error);
    return false;
  }
  return true;
}

// Reads every key even after a bad one, so that one run reports all of the object's mistakes.
std::optional<UpstreamServerConfig> read_server_object(const Node& node,
                                                       const UpstreamServerConfig& defaults,
                                                       HostLookups& lookups,
                                                       Diagnostics& diagnostics) {
  const auto object = ObjectReader::open(
      node, {"address", "weight", "max_fails", "fail_timeout", "backup", "down"}, diagnostics);
  if (!object) {
    return std::nullopt;
  }
  const size_t errors_before = diagnostics.size();
  UpstreamServerConfig server = defaults;
  if (const auto address = object->require("address", diagnostics)) {
    if (const auto text = read_string(*address, diagnostics)) {
      assign_address(*address, *text, server, lookups, diagnostics);
    }
  }
  if (const auto weight = object->find("weight")) {
    assign_if(server.weight, read_integer(*weight, 1, kMaxWeight, diagnostics));
  }
  read_failure_limits(*object, server, diagnostics);
  if (const auto backup = object->find("backup")) {
    assign_if(server.backup, read_bool(*backup, diagnostics));
  }
  if (const auto down = object->find("down")) {
    assign_if(server.down, read_bool(*down, diagnostics));
  }
  if (diagnostics.size() != errors_before) {
    return std::nullopt;
  }
  return server;
}

}  // namespace

void read_failure_limits(const ObjectReader& object, UpstreamServerConfig& server,
                         Diagnostics& diagnostics) {
  if (const auto max_fails = object.find("max_fails")) {
    assign_if(server.max_fails, read_integer(*max_fails, 0, kMaxFails, diagnostics));
  }
  // A zero fail_timeout would count failures over no time at all and never take a server out.
  if (const auto fail_timeout = object.find("fail_timeout")) {
    assign_if(server.fail_timeout,
              read_duration(*fail_timeout, Duration(1), kMaxTimeout, diagnostics));
  }
}

std::optional<UpstreamServerConfig> read_upstream_server(const Node& node,
                                                         const UpstreamServerConfig& defaults,
                                                         HostLookups& lookups,
                                                         Diagnostics& diagnostics) {
  if (node.value.is_string()) {
    UpstreamServerConfig server = defaults;
    if (!assign_address(node, node.value.get<std::string>(), server, lookups, diagnostics)) {
      return std::nullopt;
    }
    return server;
  }
  if (node.value.is_object()) {
    return read_server_object(node, defaults, lookups, diagnostics);
  }
  diagnostics.error(node.path, "expected \"HOST:PORT\" or an object with \"address\", got " +
                                   type_name(node.value));
  return std::nullopt;
}

}  // namespace relay7::config
