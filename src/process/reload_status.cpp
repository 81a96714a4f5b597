#include "relay7/process/reload_status.h"

#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>

#include "relay7/process/pid_file.h"

namespace relay7 {

std::string reload_status_path(const std::string& pid_file) {
  constexpr std::string_view kPidSuffix = ".pid";
  if (pid_file.ends_with(kPidSuffix)) {
    return pid_file.substr(0, pid_file.size() - kPidSuffix.size()) + ".status";
  }
  return pid_file + ".status";
}

bool write_reload_status(const std::string& path, const ReloadStatus& status, std::string& error) {
  const nlohmann::json record = {{"master_pid", status.master_pid}, {"reloads", status.reloads},
                                 {"generation", status.generation}, {"ok", status.ok},
                                 {"error", status.error},           {"time", status.time}};
  return write_file_atomically(path, record.dump() + "\n", error);
}

std::optional<ReloadStatus> read_reload_status(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return std::nullopt;
  }
  const nlohmann::json record = nlohmann::json::parse(in, nullptr, false);
  if (!record.is_object()) {
    return std::nullopt;
  }
  try {
    ReloadStatus status;
    status.master_pid = record.at("master_pid").get<pid_t>();
    status.reloads = record.at("reloads").get<uint64_t>();
    status.generation = record.at("generation").get<uint64_t>();
    status.ok = record.at("ok").get<bool>();
    status.error = record.at("error").get<std::string>();
    status.time = record.at("time").get<std::string>();
    return status;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::string utc_timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

}  // namespace relay7
