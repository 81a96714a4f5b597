#include <algorithm>

#include "config/suggest.h"
#include "nginx_import/translation.h"
#include "nginx_import/values.h"

namespace relay7::nginx_import {
namespace {

// Suggesting a name compares it with every nginx directive; past this many unknown names (a file
// that is not an nginx config at all) they are reported without a suggestion, so that the import
// stays fast whatever it is given.
constexpr size_t kMaxSuggestions = 100;

bool arity_fits(const DirectiveRule& rule, size_t count) {
  const auto n = static_cast<int>(count);
  return n >= rule.min_args && (rule.max_args == kNoLimit || n <= rule.max_args);
}

// Names the table knows but not in this block, nginx directives relay7 lacks, and typos.
void report_without_rule(Translation& t, const Directive& directive, Context context) {
  if (rule_anywhere(directive.name) != nullptr) {
    t.messages.error(directive.where,
                     quote_text(directive.name) + " directive is not allowed here");
  } else if (is_nginx_directive(directive.name)) {
    t.not_translated(directive, reason_without_rule(directive.name));
  } else {
    const bool suggest = ++t.unknown_directives <= kMaxSuggestions;
    t.messages.error(
        directive.where,
        "unknown directive " + quote_text(directive.name) +
            (suggest ? config::did_you_mean(directive.name, suggestion_candidates(context))
                     : std::string()));
  }
}

bool shape_fits(Translation& t, const Directive& directive, const DirectiveRule& rule) {
  if (rule.block && !directive.has_block) {
    t.messages.error(directive.where,
                     "directive " + quote_text(directive.name) + " has no opening \"{\"");
    return false;
  }
  if (!rule.block && directive.has_block) {
    t.messages.error(directive.where,
                     "directive " + quote_text(directive.name) + " is not terminated by \";\"");
    return false;
  }
  if (!arity_fits(rule, directive.args.size())) {
    t.messages.error(directive.where,
                     "invalid number of arguments in " + quote_text(directive.name) + " directive");
    return false;
  }
  return true;
}

// ---- main and events ----------------------------------------------------------------------

void translate_user(Translation& t, const Directive& d) {
  t.model.user = Sourced<std::string>{d.args[0], d.where};
  // nginx's group defaults to the group named like the user, not to the user's primary group.
  t.model.group = Sourced<std::string>{d.args.size() > 1 ? d.args[1] : d.args[0], d.where};
}

void translate_worker_processes(Translation& t, const Directive& d) {
  const std::string& value = d.args[0];
  const auto count = parse_count(value);
  if (value != "auto" && (!count || *count == 0)) {
    t.invalid_value(d, value, "a number or \"auto\"");
    return;
  }
  t.model.workers = Sourced<std::string>{value, d.where};
}

std::optional<std::string> log_level(Translation& t, const Directive& d, std::string_view level) {
  struct Level {
    std::string_view nginx;
    std::string_view relay7;
    bool exact;
  };
  static constexpr Level kLevels[] = {
      {"debug", "debug", true},     {"info", "info", true},       {"notice", "info", false},
      {"warn", "warn", true},       {"error", "error", true},     {"crit", "critical", true},
      {"alert", "critical", false}, {"emerg", "critical", false},
  };
  for (const Level& known : kLevels) {
    if (known.nginx == level) {
      if (!known.exact) {
        t.messages.warning(d.where, "relay7 has no level " + quote_text(level) + ": it logs at " +
                                        quote_text(known.relay7) +
                                        ", the nearest level that loses "
                                        "nothing nginx would log");
      }
      return std::string(known.relay7);
    }
  }
  t.invalid_value(d, level, "debug, info, notice, warn, error, crit, alert or emerg");
  return std::nullopt;
}

void translate_error_log(Translation& t, const Directive& d) {
  if (t.model.error_log) {
    t.not_translated(d, "relay7 writes one error log; the first error_log, line " +
                            std::to_string(t.model.error_log->where.line) + ", is translated");
    return;
  }
  const std::string& target = d.args[0];
  if (target.starts_with("syslog:") || target.starts_with("memory:")) {
    t.not_translated(d, "relay7 logs to stderr or a file only");
    return;
  }
  const auto level = log_level(t, d, d.args.size() > 1 ? d.args[1] : "error");
  if (!level) {
    return;
  }
  const std::string path = target == "stderr" ? target : t.config_path(d, target);
  t.model.error_log = Sourced<ErrorLogModel>{ErrorLogModel{path, *level}, d.where};
}

void translate_events(Translation& t, const Directive& events) {
  if (t.model.events) {
    t.messages.error(events.where, "\"events\" directive is duplicate");
    return;
  }
  t.model.events = events.where;
  for (const Directive& d : events.block) {
    // worker_connections is the one directive of events that the table translates.
    if (!accept_directive(t, d, kEvents)) {
      continue;
    }
    const auto count = parse_count(d.args[0]);
    if (!count || *count == 0) {
      t.invalid_value(d, d.args[0], "a number of connections");
      continue;
    }
    t.model.worker_connections = Sourced<uint64_t>{*count, d.where};
  }
}

// ---- http ---------------------------------------------------------------------------------

void collect_upstream_names(Translation& t, const Directive& http) {
  for (const Directive& d : http.block) {
    if (d.name == "upstream" && d.has_block && d.args.size() == 1) {
      t.upstream_names.push_back(d.args[0]);
    }
  }
}

void translate_http(Translation& t, const Directive& http) {
  if (t.model.http) {
    t.messages.error(http.where, "\"http\" directive is duplicate");
    return;
  }
  t.model.http = http.where;
  // proxy_pass may name an upstream defined further down.
  collect_upstream_names(t, http);
  for (const Directive& d : http.block) {
    if (!accept_directive(t, d, kHttp)) {
      continue;
    }
    if (d.name == "upstream") {
      translate_upstream(t, d);
    } else if (d.name == "server") {
      translate_server(t, d);
    } else {
      translate_setting(t, d, t.model.http_settings);
    }
  }
}

void translate_main_directive(Translation& t, const Directive& d) {
  if (d.name == "user") {
    translate_user(t, d);
  } else if (d.name == "worker_processes") {
    translate_worker_processes(t, d);
  } else if (d.name == "pid") {
    t.model.pid_file = Sourced<std::string>{t.config_path(d, d.args[0]), d.where};
  } else if (d.name == "error_log") {
    translate_error_log(t, d);
  } else if (d.name == "worker_shutdown_timeout") {
    if (const auto time = parse_nginx_time(d.args[0])) {
      t.model.shutdown_timeout = Sourced<Duration>{*time, d.where};
    } else {
      t.invalid_value(d, d.args[0], "a time such as 30s");
    }
  } else if (d.name == "events") {
    translate_events(t, d);
  } else if (d.name == "http") {
    translate_http(t, d);
  }
}

}  // namespace

bool Translation::is_upstream(std::string_view name) const {
  return std::find(upstream_names.begin(), upstream_names.end(), name) != upstream_names.end();
}

std::string Translation::config_path(const Directive& directive, const std::string& path) {
  if (!path.empty() && path.front() == '/') {
    return path;
  }
  std::string resolved = resolve_config_path(config.base_dir, path);
  messages.warning(directive.where, quote_text(path) + " is relative: it becomes " +
                                        quote_text(resolved) + ", from the folder of " +
                                        config.main_file +
                                        " (nginx would take it from its prefix, -p)");
  return resolved;
}

void Translation::not_translated(const Directive& directive, std::string_view reason) {
  messages.error(directive.where,
                 "not translated: " + directive_text(directive.name, directive.args) + " (" +
                     std::string(reason) + ")");
}

void Translation::invalid_value(const Directive& directive, std::string_view value,
                                std::string_view expected) {
  messages.error(directive.where, "invalid value " + quote_text(value) + " in " +
                                      quote_text(directive.name) + " directive (expected " +
                                      std::string(expected) + ")");
}

void Translation::dropped(const Directive& directive, std::string_view reason) {
  messages.warning(directive.where, directive_text(directive.name, directive.args) + ": dropped, " +
                                        std::string(reason));
}

const DirectiveRule* accept_directive(Translation& t, const Directive& directive, Context context) {
  const DirectiveRule* rule = find_rule(directive.name, context);
  if (rule == nullptr) {
    report_without_rule(t, directive, context);
    return nullptr;
  }
  if (!shape_fits(t, directive, *rule)) {
    return nullptr;
  }
  switch (rule->handling) {
    case Handling::translated:
      return rule;
    case Handling::no_effect:
      t.dropped(directive, rule->note);
      return nullptr;
    case Handling::restated_when:
      if (directive.args.size() == 1 && directive.args[0] == rule->same_value) {
        t.dropped(directive, rule->note);
      } else {
        t.not_translated(directive, rule->note);
      }
      return nullptr;
    case Handling::not_translated:
      t.not_translated(directive, rule->note);
      return nullptr;
  }
  return nullptr;
}

ConfigModel translate(const LoadedConfig& config, MessageList& messages) {
  Translation t{config, messages, {}, {}, {}, 0};
  for (const Directive& d : config.directives) {
    if (accept_directive(t, d, kMain)) {
      translate_main_directive(t, d);
    }
  }
  const SourceRef file{config.main_file, 0, 0};
  if (!t.model.events) {
    messages.error(file, "no \"events\" section in configuration");
  }
  if (!t.model.http) {
    messages.error(file, "no \"http\" block: there is no server to translate");
  }
  return std::move(t.model);
}

}  // namespace relay7::nginx_import
