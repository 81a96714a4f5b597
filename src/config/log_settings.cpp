#include "config/global_settings.h"

namespace relay7::config {

void read_error_log(const Node& node, ErrorLogConfig& log, Diagnostics& diagnostics) {
  const auto object = ObjectReader::open(node, {"path", "level"}, diagnostics);
  if (!object) {
    return;
  }
  if (const auto path = object->find("path")) {
    assign_if(log.path, read_non_empty_string(*path, diagnostics));
  }
  if (const auto level = object->find("level")) {
    // Same order as the LogLevel enumerators.
    const auto index = read_choice(
        *level, {"trace", "debug", "info", "warn", "error", "critical", "off"}, diagnostics);
    if (index) {
      log.level = static_cast<LogLevel>(*index);
    }
  }
}

void read_access_log(const Node& node, AccessLogConfig& log, Diagnostics& diagnostics) {
  const auto object = ObjectReader::open(node, {"path", "format"}, diagnostics);
  if (!object) {
    return;
  }
  if (const auto path = object->find("path")) {
    assign_if(log.path, read_non_empty_string(*path, diagnostics));
  }
  if (const auto format = object->find("format")) {
    if (read_choice(*format, {"combined"}, diagnostics)) {
      log.format = "combined";
    }
  }
}

}  // namespace relay7::config
