#include "config/config_builder.h"

#include "config/global_settings.h"
#include "config/listen_conflicts.h"
#include "config/server_block.h"
#include "config/upstream_tls.h"
#include "config/upstreams.h"

namespace relay7::config {
namespace {

std::vector<ServerBlock> read_servers(const Node& node, UpstreamCatalog& upstreams,
                                      const std::filesystem::path& config_dir,
                                      Diagnostics& diagnostics) {
  std::vector<ServerBlock> blocks;
  const auto entries = read_array(node, "server objects", diagnostics);
  if (!entries) {
    return blocks;
  }
  if (entries->empty()) {
    diagnostics.error(node.path, "at least one server block is required");
  }
  for (const auto& entry : *entries) {
    if (auto block = read_server(entry, upstreams, config_dir, diagnostics)) {
      blocks.push_back(std::move(*block));
    }
  }
  return blocks;
}

}  // namespace

Config build_config(const Json& root, const HostResolverFactory& resolvers,
                    const std::filesystem::path& config_dir, Diagnostics& diagnostics) {
  Config config;
  const auto object =
      ObjectReader::open(Node{root, ""},
                         {"workers", "worker_connections", "pid_file", "shutdown_timeout", "user",
                          "group", "error_log", "access_log", "timeouts", "limits", "resolver",
                          "real_ip", "request_id", "http2", "upstreams", "servers"},
                         diagnostics);
  if (!object) {
    return config;
  }
  read_process_settings(*object, config, diagnostics);
  if (const auto node = object->find("error_log")) {
    read_error_log(*node, config.error_log, diagnostics);
  }
  if (const auto node = object->find("access_log")) {
    read_access_log(*node, config.access_log, diagnostics);
  }
  if (const auto node = object->find("timeouts")) {
    read_timeouts(*node, config.timeouts, diagnostics);
  }
  if (const auto node = object->find("limits")) {
    read_limits(*node, config.limits, diagnostics);
  }
  if (const auto node = object->find("real_ip")) {
    read_real_ip(*node, config.real_ip, diagnostics);
  }
  if (const auto node = object->find("request_id")) {
    read_request_id(*node, config.request_id, diagnostics);
  }
  if (const auto node = object->find("http2")) {
    read_http2(*node, config.http2, diagnostics);
  }
  // The resolver before any name is looked up, wherever it is in the file.
  if (const auto node = object->find("resolver")) {
    read_resolver(*node, config.resolver, diagnostics);
  }
  HostLookups lookups(config.resolver, resolvers);
  // Upstreams first: proxy_pass checks its target against them, wherever they are in the file.
  UpstreamsSection upstreams;
  if (const auto node = object->find("upstreams")) {
    upstreams = read_upstreams(*node, config_dir, lookups, diagnostics);
  }
  config.upstreams = std::move(upstreams.upstreams);
  UpstreamCatalog catalog(std::move(upstreams.names), lookups);
  if (const auto node = object->require("servers", diagnostics)) {
    auto blocks = read_servers(*node, catalog, config_dir, diagnostics);
    check_listen_conflicts(blocks, diagnostics);
    for (auto& block : blocks) {
      config.servers.push_back(std::move(block.config));
    }
  }
  for (auto& implicit : catalog.take_implicit()) {
    config.upstreams.push_back(std::move(implicit));
  }
  apply_upstream_schemes(config.upstreams, catalog.scheme_uses(), diagnostics);
  check_server_slots(config, diagnostics);
  return config;
}

}  // namespace relay7::config
