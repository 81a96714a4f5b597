#include <algorithm>

#include "nginx_import/translation.h"
#include "nginx_import/values.h"
#include "relay7/http/ascii.h"
#include "relay7/net/address_range.h"

namespace relay7::nginx_import {
namespace {

struct TimeoutDirective {
  std::string_view name;
  TimeoutKind kind;
};

constexpr TimeoutDirective kTimeoutDirectives[] = {
    {"client_header_timeout", TimeoutKind::client_header},
    {"client_body_timeout", TimeoutKind::client_body},
    {"keepalive_timeout", TimeoutKind::keepalive},
    {"send_timeout", TimeoutKind::send},
    {"proxy_connect_timeout", TimeoutKind::upstream_connect},
    {"proxy_read_timeout", TimeoutKind::upstream_read},
    {"proxy_send_timeout", TimeoutKind::upstream_send},
};

void translate_timeout(Translation& t, const Directive& d, TimeoutKind kind,
                       InheritedSettings& settings) {
  const auto time = parse_nginx_time(d.args[0]);
  if (!time) {
    t.invalid_value(d, d.args[0], "a time such as 60s");
    return;
  }
  // The second value only sets the Keep-Alive response header, which relay7 does not send.
  if (d.args.size() > 1) {
    t.not_translated(d,
                     "the second value sets a \"Keep-Alive: timeout=\" header, which relay7 "
                     "does not send; the first is translated");
  }
  settings.timeouts[static_cast<size_t>(kind)] = Sourced<Duration>{*time, d.where};
}

void translate_body_size(Translation& t, const Directive& d, InheritedSettings& settings) {
  const auto size = parse_nginx_size(d.args[0]);
  if (!size) {
    t.invalid_value(d, d.args[0], "a size such as 10m");
    return;
  }
  settings.max_body_size = Sourced<uint64_t>{*size, d.where};
}

bool is_defined_format(const Translation& t, std::string_view name) {
  return std::any_of(t.log_formats.begin(), t.log_formats.end(),
                     [&](const Sourced<std::string>& f) { return f.value == name; });
}

void translate_log_format(Translation& t, const Directive& d) {
  if (d.args[0] == "combined" || is_defined_format(t, d.args[0])) {
    t.messages.error(d.where, "duplicate \"log_format\" name " + quote_text(d.args[0]));
    return;
  }
  t.log_formats.push_back(Sourced<std::string>{d.args[0], d.where});
}

// The format and the options after the path; false when the line cannot be translated.
bool check_log_options(Translation& t, const Directive& d) {
  if (d.args.size() > 1 && d.args[1] != "combined") {
    const auto format = std::find_if(t.log_formats.begin(), t.log_formats.end(),
                                     [&](const auto& f) { return f.value == d.args[1]; });
    if (format == t.log_formats.end()) {
      t.messages.error(d.where, "unknown log format " + quote_text(d.args[1]));
      return false;
    }
    t.messages.warning(d.where, "the log format " + quote_text(d.args[1]) + " (line " +
                                    std::to_string(format->where.line) +
                                    ") is not translated: the log is written in relay7's combined "
                                    "format; access_log.format takes a template of $variables "
                                    "(relay7.json(5))");
  }
  for (size_t i = 2; i < d.args.size(); ++i) {
    const std::string& option = d.args[i];
    if (option.starts_with("buffer=") || option.starts_with("flush=")) {
      t.messages.warning(d.where, quote_text(option) +
                                      " dropped: relay7 writes each line as its "
                                      "request ends");
    } else {
      t.not_translated(d, "relay7 logs every request uncompressed; " + quote_text(option) +
                              " has no equivalent");
      return false;
    }
  }
  return true;
}

void translate_access_log(Translation& t, const Directive& d, InheritedSettings& settings) {
  // `settings` holds this block's own values: inheritance is resolved once the file is read.
  if (settings.access_log) {
    t.not_translated(d, "relay7 writes one access log; the first access_log here, line " +
                            std::to_string(settings.access_log->where.line) + ", is translated");
    return;
  }
  const std::string& path = d.args[0];
  if (path == "off") {
    settings.access_log = Sourced<std::string>{path, d.where};
    return;
  }
  if (path.starts_with("syslog:") || has_variable(path)) {
    t.not_translated(d, "relay7 logs to a file, stdout or stderr whose name is fixed");
    return;
  }
  if (!check_log_options(t, d)) {
    return;
  }
  settings.access_log = Sourced<std::string>{t.config_path(d, path), d.where};
}

struct SentHeader {
  std::string_view name;  // compared ignoring case
  std::string_view value;
  std::string_view what_relay7_sends;
};

// proxy_set_header lines that ask for what relay7 sends anyway (src/proxy/upstream_request.cpp).
constexpr SentHeader kSentHeaders[] = {
    {"host", "$http_host", "relay7 passes the client's Host header as it came"},
    {"host", "$host",
     "relay7 passes the client's Host header as it came, port included (nginx's $host has no "
     "port)"},
    {"x-forwarded-for", "$proxy_add_x_forwarded_for",
     "relay7 appends the client address to X-Forwarded-For itself"},
    {"x-real-ip", "$remote_addr", "relay7 sets X-Real-IP to the client address itself"},
    {"x-forwarded-proto", "$scheme",
     "relay7 sets X-Forwarded-Proto itself (http, or https on TLS)"},
    {"x-forwarded-proto", "http", "relay7 sets X-Forwarded-Proto itself (http, or https on TLS)"},
    {"x-forwarded-host", "$host", "relay7 sets X-Forwarded-Host to the client's Host itself"},
    {"x-forwarded-host", "$http_host", "relay7 sets X-Forwarded-Host to the client's Host itself"},
    {"connection", "",
     "relay7 manages Connection itself: keep-alive to backends, \"upgrade\" for tunnels"},
    {"connection", "upgrade", "relay7 forwards Upgrade requests as tunnels itself"},
    {"connection", "$connection_upgrade", "relay7 forwards Upgrade requests as tunnels itself"},
    {"upgrade", "$http_upgrade", "relay7 forwards the client's Upgrade header itself"},
};

void translate_proxy_set_header(Translation& t, const Directive& d, InheritedSettings& settings) {
  if (!settings.proxy_headers) {
    settings.proxy_headers = Sourced<std::vector<std::string>>{{}, d.where};
  }
  settings.proxy_headers->value.push_back(d.args[0]);
  for (const SentHeader& sent : kSentHeaders) {
    if (iequals(sent.name, d.args[0]) && sent.value == d.args[1]) {
      t.dropped(d, sent.what_relay7_sends);
      return;
    }
  }
  t.not_translated(d,
                   "write it as a request header rule (header_rules in relay7.json(5)); relay7 "
                   "sends Host, X-Forwarded-For, X-Real-IP, X-Forwarded-Proto and "
                   "X-Forwarded-Host itself");
}

void translate_set_real_ip_from(Translation& t, const Directive& d, InheritedSettings& settings) {
  if (d.args[0].starts_with("unix:")) {
    t.not_translated(d, "relay7 accepts TCP connections only");
    return;
  }
  std::string error;
  if (!parse_address_range(d.args[0], error)) {
    t.invalid_value(d, d.args[0], "an address or a block such as 10.0.0.0/8");
    return;
  }
  if (!settings.real_ip_from) {
    settings.real_ip_from = Sourced<std::vector<std::string>>{{}, d.where};
  }
  settings.real_ip_from->value.push_back(d.args[0]);
}

void translate_real_ip_header(Translation& t, const Directive& d, InheritedSettings& settings) {
  if (d.args[0] != "proxy_protocol" && !is_token(d.args[0])) {
    t.invalid_value(d, d.args[0], "a header name or proxy_protocol");
    return;
  }
  settings.real_ip_header = Sourced<std::string>{d.args[0], d.where};
}

void translate_real_ip_recursive(Translation& t, const Directive& d, InheritedSettings& settings) {
  if (d.args[0] != "on" && d.args[0] != "off") {
    t.invalid_value(d, d.args[0], "on or off");
    return;
  }
  settings.real_ip_recursive = Sourced<bool>{d.args[0] == "on", d.where};
}

}  // namespace

bool translate_setting(Translation& t, const Directive& d, InheritedSettings& settings) {
  for (const TimeoutDirective& timeout : kTimeoutDirectives) {
    if (d.name == timeout.name) {
      translate_timeout(t, d, timeout.kind, settings);
      return true;
    }
  }
  if (d.name == "client_max_body_size") {
    translate_body_size(t, d, settings);
  } else if (d.name == "access_log") {
    translate_access_log(t, d, settings);
  } else if (d.name == "log_format") {
    translate_log_format(t, d);
  } else if (d.name == "proxy_set_header") {
    translate_proxy_set_header(t, d, settings);
  } else if (d.name == "set_real_ip_from") {
    translate_set_real_ip_from(t, d, settings);
  } else if (d.name == "real_ip_header") {
    translate_real_ip_header(t, d, settings);
  } else if (d.name == "real_ip_recursive") {
    translate_real_ip_recursive(t, d, settings);
  } else if (translate_tls_setting(t, d, settings.tls)) {
    return true;
  } else if (d.name == "error_log") {
    t.not_translated(d,
                     "relay7 writes one error log for the whole instance: set it in the "
                     "main block");
  } else {
    return false;
  }
  return true;
}

}  // namespace relay7::nginx_import
