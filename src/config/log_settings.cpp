#include <algorithm>

#include "config/global_settings.h"
#include "config/json_path.h"
#include "config/suggest.h"

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

namespace {

// "combined", "json", or a line template: a text with no variable is a misspelt name rather than
// a line that never changes.
void read_access_log_format(const Node& node, AccessLogConfig& log, Diagnostics& diagnostics) {
  const auto text = read_non_empty_string(node, diagnostics);
  if (!text) {
    return;
  }
  if (*text == "combined" || *text == "json") {
    log.format = *text;
    log.kind = *text == "json" ? AccessLogFormat::json : AccessLogFormat::combined;
    return;
  }
  if (text->find('$') == std::string::npos) {
    diagnostics.error(node.path, quote_json(*text) + " is not valid" +
                                     did_you_mean(*text, {"combined", "json"}) +
                                     " (expected \"combined\", \"json\" or a template with "
                                     "$variables)");
    return;
  }
  if (std::any_of(text->begin(), text->end(), [](char c) {
        return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
      })) {
    diagnostics.error(node.path, "a log line cannot hold control characters");
    return;
  }
  std::string error;
  auto line = parse_text_template(*text, error, TemplateScope::access_log);
  if (!line) {
    diagnostics.error(node.path, error);
    return;
  }
  log.format = *text;
  log.kind = AccessLogFormat::custom;
  log.line = std::move(*line);
}

}  // namespace

void read_access_log(const Node& node, AccessLogConfig& log, Diagnostics& diagnostics) {
  const auto object = ObjectReader::open(node, {"path", "format"}, diagnostics);
  if (!object) {
    return;
  }
  if (const auto path = object->find("path")) {
    assign_if(log.path, read_non_empty_string(*path, diagnostics));
  }
  if (const auto format = object->find("format")) {
    read_access_log_format(*format, log, diagnostics);
  }
}

}  // namespace relay7::config
