#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nginx_import/directive_table.h"
#include "nginx_import/model.h"
#include "relay7/nginx_import/config_files.h"
#include "relay7/nginx_import/messages.h"

namespace relay7::nginx_import {

// The state of one translation: the config read, the messages and the model being filled.
struct Translation {
  const LoadedConfig& config;
  MessageList& messages;
  ConfigModel model;
  std::vector<std::string> upstream_names;  // every upstream block of http, read up front
  std::vector<Sourced<std::string>> log_formats;
  size_t unknown_directives = 0;

  bool is_upstream(std::string_view name) const;

  // A path of the config: a relative one is taken from the main file's folder (nginx takes it
  // from its prefix, -p, which the import cannot know), with a warning.
  std::string config_path(const Directive& directive, const std::string& path);
  // "not translated: DIRECTIVE (REASON)", an error.
  void not_translated(const Directive& directive, std::string_view reason);
  // `invalid value "X" in "NAME" directive (EXPECTED)`, an error.
  void invalid_value(const Directive& directive, std::string_view value, std::string_view expected);
  // "DIRECTIVE: dropped, REASON", a warning.
  void dropped(const Directive& directive, std::string_view reason);
};

// Checks a directive against the table for `context`: unknown names, names not allowed there,
// a block where none belongs (or none where one does), the number of arguments, and directives
// that are dropped or not translated. Reports what it finds and returns the rule only when a
// translator should read the directive.
const DirectiveRule* accept_directive(Translation& translation, const Directive& directive,
                                      Context context);

// The translators of each block; each reads one directive of its kind.
void translate_upstream(Translation& translation, const Directive& upstream);
void translate_server(Translation& translation, const Directive& server);
void translate_location(Translation& translation, const Directive& location, ServerModel& server,
                        std::optional<size_t> parent);
// A `return` line of a server or location; nullopt (after reporting why) when relay7 cannot
// answer the same way.
std::optional<ReturnModel> read_return(Translation& translation, const Directive& directive);
// Reads a directive nginx inherits from http to server to location (client_max_body_size,
// timeouts, access_log, proxy_set_header, ...) into `settings`, and refuses an error_log there;
// false when `directive` is not one of them.
bool translate_setting(Translation& translation, const Directive& directive,
                       InheritedSettings& settings);

// Reads ssl_certificate, ssl_certificate_key or ssl_protocols into `tls`; false when
// `directive` is none of them.
bool translate_tls_setting(Translation& translation, const Directive& directive, TlsSettings& tls);
// Once settings are inherited: every server with a "listen ... ssl" has certificates and as
// many keys (an error otherwise, as nginx refuses to start without them).
void check_tls_servers(const ConfigModel& model, MessageList& messages);

// Runs every translator over the config.
ConfigModel translate(const LoadedConfig& config, MessageList& messages);

}  // namespace relay7::nginx_import
