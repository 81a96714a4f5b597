#include "relay7/metrics/status_page.h"

#include <nlohmann/json.hpp>

#include "relay7/metrics/server_health.h"

namespace relay7 {
namespace {

using Json = nlohmann::ordered_json;

double unix_seconds(int64_t unix_ms) {
  return static_cast<double>(unix_ms) / 1000.0;
}

Json workers_of(const MetricTable& table) {
  Json workers = Json::array();
  for (size_t column = 0; column < table.columns(); ++column) {
    const WorkerFacts& worker = table.worker(column);
    const int32_t pid = worker.pid.load(std::memory_order_relaxed);
    if (pid <= 0) {
      continue;
    }
    workers.push_back(
        Json{{"pid", pid},
             {"generation", worker.generation.load(std::memory_order_relaxed)},
             {"started", unix_seconds(worker.started_unix_ms.load(std::memory_order_relaxed))}});
  }
  return workers;
}

Json last_reload_of(const MetricTable& table) {
  const std::optional<ReloadFacts> reload = table.read_reload();
  if (!reload) {
    return nullptr;
  }
  return Json{{"outcome", reload->ok ? "ok" : "failed"},
              {"time", unix_seconds(reload->unix_ms)},
              {"message", reload->message}};
}

Json upstream_of(const UpstreamRuntime& runtime, const UpstreamMetricSlots& slots,
                 const MetricTable& table, int64_t now_ms) {
  const UpstreamConfig& config = runtime.config();
  Json servers = Json::array();
  const int64_t unix_ms = unix_time_ms();
  for (size_t s = 0; s < config.servers.size() && s < slots.servers.size(); ++s) {
    const UpstreamServerConfig& server = config.servers[s];
    const ServerHealth health = server_health(runtime, s, now_ms);
    Json failing_since = nullptr;
    if (health.failing_since_ms != 0) {
      failing_since = unix_seconds(unix_ms - (now_ms - health.failing_since_ms));
    }
    servers.push_back(
        Json{{"server", server.address_text},
             {"state", health.up ? "up" : "down"},
             {"backup", server.backup},
             {"failing_since", std::move(failing_since)},
             {"in_flight", static_cast<int64_t>(table.sum(slots.servers[s].in_flight))},
             {"weight", server.weight}});
  }
  return Json{{"name", config.name}, {"servers", std::move(servers)}};
}

}  // namespace

void write_status_page(const MetricTable& table, const MetricSlots& slots,
                       const std::vector<UpstreamRuntime*>& upstreams, int64_t now_ms,
                       std::string& out) {
  const MasterFacts& master = table.master();
  Json upstream_list = Json::array();
  for (size_t u = 0; u < upstreams.size() && u < slots.upstreams.size(); ++u) {
    upstream_list.push_back(upstream_of(*upstreams[u], slots.upstreams[u], table, now_ms));
  }
  const Json status{{"generation", master.generation.load(std::memory_order_relaxed)},
                    {"workers", workers_of(table)},
                    {"reloads",
                     {{"ok", master.reloads_ok.load(std::memory_order_relaxed)},
                      {"failed", master.reloads_failed.load(std::memory_order_relaxed)}}},
                    {"last_reload", last_reload_of(table)},
                    {"upstreams", std::move(upstream_list)}};
  // Invalid UTF-8 (a reload message quoting a config byte) is replaced, never thrown.
  out += status.dump(2, ' ', false, Json::error_handler_t::replace);
  out += '\n';
}

}  // namespace relay7
