#include "config/global_settings.h"

namespace relay7::config {
namespace {

constexpr int64_t kMaxWorkers = 1024;

std::optional<unsigned> read_workers(const Node& node, Diagnostics& diagnostics) {
  const std::string expected = "an integer 1.." + std::to_string(kMaxWorkers) + " or \"auto\"";
  if (node.value.is_string()) {
    if (node.value.get_ref<const std::string&>() == "auto") {
      return 0;
    }
    diagnostics.error(node.path, node.value.dump() + " is not valid (expected " + expected + ")");
    return std::nullopt;
  }
  if (!node.value.is_number()) {
    diagnostics.error(node.path, "expected " + expected + ", got " + type_name(node.value));
    return std::nullopt;
  }
  const auto count = read_integer(node, 1, kMaxWorkers, diagnostics);
  return count ? std::optional<unsigned>(static_cast<unsigned>(*count)) : std::nullopt;
}

void read_optional_string(const ObjectReader& root, std::string_view key, std::string& target,
                          Diagnostics& diagnostics) {
  if (const auto node = root.find(key)) {
    assign_if(target, read_non_empty_string(*node, diagnostics));
  }
}

}  // namespace

void read_process_settings(const ObjectReader& root, Config& config, Diagnostics& diagnostics) {
  if (const auto node = root.find("workers")) {
    assign_if(config.workers, read_workers(*node, diagnostics));
  }
  if (const auto node = root.find("worker_connections")) {
    if (const auto count = read_integer(*node, 1, 1000000, diagnostics)) {
      config.worker_connections = static_cast<unsigned>(*count);
    }
  }
  read_optional_string(root, "pid_file", config.pid_file, diagnostics);
  read_optional_string(root, "user", config.user, diagnostics);
  read_optional_string(root, "group", config.group, diagnostics);
  if (const auto node = root.find("shutdown_timeout")) {
    assign_if(config.shutdown_timeout, read_duration(*node, Duration(0), kMaxTimeout, diagnostics));
  }
}

}  // namespace relay7::config
