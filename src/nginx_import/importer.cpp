#include "relay7/nginx_import/importer.h"

#include "nginx_import/default_notices.h"
#include "nginx_import/instance_settings.h"
#include "nginx_import/relay7_json.h"
#include "nginx_import/server_order.h"
#include "nginx_import/translation.h"
#include "relay7/config/loader.h"
#include "relay7/nginx_import/config_files.h"
#include "relay7/nginx_import/json_layout.h"
#include "relay7/process/credentials.h"

namespace relay7::nginx_import {
namespace {

// The name the check gives the JSON it reads; stripped again from what it reports.
constexpr std::string_view kCheckedName = "imported";

// The nginx line behind the longest JSON path that `message` ("PATH: TEXT") starts with.
SourceRef origin_of(const std::string& message, const Relay7Json& json, const SourceRef& file) {
  const SourceRef* best = &file;
  size_t best_length = 0;
  for (const auto& [path, where] : json.origins) {
    if (path.size() < best_length || path.size() >= message.size() || !message.starts_with(path)) {
      continue;
    }
    const char next = message[path.size()];
    if (next == ':' || next == '.' || next == '[') {
      best = &where;
      best_length = path.size();
    }
  }
  return *best;
}

bool check_result(const std::string& text, const Relay7Json& json, const SourceRef& file,
                  const HostResolverFactory& resolvers, MessageList& messages) {
  ConfigLoadResult loaded = parse_config_text(text, std::string(kCheckedName), resolvers);
  std::string credentials_error;
  if (loaded.ok() && !resolve_credentials(*loaded.config, credentials_error)) {
    loaded.errors.push_back(std::string(kCheckedName) + ": " + credentials_error);
  }
  const std::string prefix = std::string(kCheckedName) + ": ";
  for (const std::string& error : loaded.errors) {
    const std::string message = error.starts_with(prefix) ? error.substr(prefix.size()) : error;
    messages.error(origin_of(message, json, file), "fails the check: " + message);
  }
  return loaded.errors.empty();
}

}  // namespace

size_t ImportResult::count(Severity severity) const {
  size_t total = 0;
  for (const ImportMessage& message : messages) {
    total += message.severity == severity ? 1 : 0;
  }
  return total;
}

ImportResult import_nginx_config(const std::string& main_file) {
  MessageList messages;
  const LoadedConfig loaded = load_nginx_config(main_file, messages);
  return import_loaded_config(loaded, std::move(messages), make_dns_resolver);
}

ImportResult import_loaded_config(const LoadedConfig& loaded, MessageList messages,
                                  const HostResolverFactory& resolvers) {
  ImportResult result;
  if (loaded.file_error || loaded.syntax_error) {
    result.file_error = loaded.file_error;
    result.messages = messages.sorted();
    return result;
  }
  ConfigModel model = translate(loaded, messages);
  inherit_settings(model);
  check_tls_servers(model, messages);
  put_default_servers_first(model, messages);
  const InstanceSettings instance = resolve_instance_settings(model, messages);
  add_default_notices(model, instance, loaded.main_file, messages);
  result.translated = !messages.has_errors();
  const Relay7Json json = build_relay7_json(model, instance);
  result.json = format_config_json(json.config);
  result.check_passed =
      check_result(result.json, json, SourceRef{loaded.main_file, 0, 0}, resolvers, messages);
  result.messages = messages.sorted();
  return result;
}

}  // namespace relay7::nginx_import
