// The three access-log formats. Every value a client or a backend chose goes through one of the
// escaping functions (log_escaping.h); numbers and relay7's own texts go in as they are.
#include <charconv>
#include <cstdio>

#include "relay7/http/ascii.h"
#include "relay7/log/access_log.h"

namespace relay7 {
namespace {

void append_number(std::string& out, uint64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

void append_seconds(std::string& out, double seconds) {
  char text[32];
  const int length = std::snprintf(text, sizeof text, "%.3f", seconds < 0 ? 0.0 : seconds);
  out.append(text, static_cast<size_t>(length > 0 ? length : 0));
}

void append_protocol(std::string& out, const AccessLogEntry& entry) {
  out += "HTTP/";
  append_number(out, entry.version_major);
  out += '.';
  append_number(out, entry.version_minor);
}

// "-" for an empty value, as nginx logs one.
void append_escaped_or_dash(std::string& out, std::string_view text) {
  if (text.empty()) {
    out += '-';
  } else {
    append_log_escaped(out, text);
  }
}

void format_combined(const AccessLogEntry& entry, CachedClock& clock, std::string& out) {
  append_escaped_or_dash(out, entry.client_ip);
  out += " - - [";
  out += clock.log_time();
  out += "] \"";
  append_log_escaped(out, entry.method);
  out += ' ';
  append_log_escaped(out, entry.target);
  out += ' ';
  append_protocol(out, entry);
  out += "\" ";
  append_number(out, static_cast<uint64_t>(entry.status));
  out += ' ';
  append_number(out, entry.body_bytes);
  out += " \"";
  append_escaped_or_dash(out, entry.referer);
  out += "\" \"";
  append_escaped_or_dash(out, entry.user_agent);
  out += "\" ";
  append_escaped_or_dash(out, entry.upstream);
  out += ' ';
  append_seconds(out, entry.request_seconds);
}

// ---- json ----

class JsonObjectWriter {
 public:
  explicit JsonObjectWriter(std::string& out) : out_(out) { out_ += '{'; }
  ~JsonObjectWriter() { out_ += '}'; }
  JsonObjectWriter(const JsonObjectWriter&) = delete;
  JsonObjectWriter& operator=(const JsonObjectWriter&) = delete;

  void text(std::string_view key, std::string_view value) {
    start(key);
    out_ += '"';
    append_json_escaped(out_, value);
    out_ += '"';
  }
  // null for an empty value: the field had no value, which "" would hide.
  void text_or_null(std::string_view key, std::string_view value) {
    if (value.empty() || value == "-") {
      null(key);
    } else {
      text(key, value);
    }
  }
  void number(std::string_view key, uint64_t value) {
    start(key);
    append_number(out_, value);
  }
  void seconds(std::string_view key, double value) {
    start(key);
    append_seconds(out_, value);
  }
  void null(std::string_view key) {
    start(key);
    out_ += "null";
  }

 private:
  void start(std::string_view key) {
    if (!first_) {
      out_ += ',';
    }
    first_ = false;
    out_ += '"';
    out_ += key;  // relay7's own names
    out_ += "\":";
  }
  std::string& out_;
  bool first_ = true;
};

void format_json(const AccessLogEntry& entry, CachedClock& clock, std::string& out) {
  JsonObjectWriter json(out);
  json.text("time_iso8601", clock.iso_time());
  json.text("remote_addr", entry.client_ip);
  json.text_or_null("request_id", entry.request_id);
  json.text("request_method", entry.method);
  json.text("request_uri", entry.target);
  std::string protocol;
  append_protocol(protocol, entry);
  json.text("server_protocol", protocol);
  json.text_or_null("host", entry.host);
  json.text("scheme", entry.scheme);
  json.number("status", static_cast<uint64_t>(entry.status));
  json.number("body_bytes_sent", entry.body_bytes);
  json.seconds("request_time", entry.request_seconds);
  json.text_or_null("upstream_addr", entry.upstream);
  if (entry.upstream_status != 0) {
    json.number("upstream_status", static_cast<uint64_t>(entry.upstream_status));
  } else {
    json.null("upstream_status");
  }
  if (entry.upstream_seconds >= 0) {
    json.seconds("upstream_response_time", entry.upstream_seconds);
  } else {
    json.null("upstream_response_time");
  }
  json.text_or_null("http_referer", entry.referer);
  json.text_or_null("http_user_agent", entry.user_agent);
}

// ---- a template ----

void append_field(std::string& out, const AccessLogEntry& entry, std::string_view name) {
  const size_t start = out.size();
  if (entry.fields != nullptr) {
    const std::string_view separator = name == "cookie" ? "; " : ", ";
    for (const Header& field : *entry.fields) {
      if (!field.value.empty() && iequals(field.name, name)) {
        if (out.size() != start) {
          out.append(separator);
        }
        append_log_escaped(out, field.value);
      }
    }
  }
  if (out.size() == start) {
    out += '-';
  }
}

void append_variable(std::string& out, const TemplatePart& part, const AccessLogEntry& entry,
                     CachedClock& clock) {
  switch (*part.variable) {
    case TemplateVariable::scheme:
      return append_escaped_or_dash(out, entry.scheme);
    case TemplateVariable::host:
      return append_escaped_or_dash(out, entry.host);
    case TemplateVariable::request_uri:
      return append_escaped_or_dash(out, entry.target);
    case TemplateVariable::server_port:
      return append_escaped_or_dash(out, entry.server_port);
    case TemplateVariable::remote_addr:
      return append_escaped_or_dash(out, entry.client_ip);
    case TemplateVariable::request_id:
      return append_escaped_or_dash(out, entry.request_id);
    case TemplateVariable::http_field:
      return append_field(out, entry, part.field);
    case TemplateVariable::request:
      append_log_escaped(out, entry.method);
      out += ' ';
      append_log_escaped(out, entry.target);
      out += ' ';
      return append_protocol(out, entry);
    case TemplateVariable::request_method:
      return append_escaped_or_dash(out, entry.method);
    case TemplateVariable::server_protocol:
      return append_protocol(out, entry);
    case TemplateVariable::status:
      return append_number(out, static_cast<uint64_t>(entry.status));
    case TemplateVariable::body_bytes_sent:
      return append_number(out, entry.body_bytes);
    case TemplateVariable::request_time:
      return append_seconds(out, entry.request_seconds);
    case TemplateVariable::upstream_addr:
      return append_escaped_or_dash(out, entry.upstream);
    case TemplateVariable::upstream_status:
      if (entry.upstream_status == 0) {
        out += '-';
        return;
      }
      return append_number(out, static_cast<uint64_t>(entry.upstream_status));
    case TemplateVariable::upstream_response_time:
      if (entry.upstream_seconds < 0) {
        out += '-';
        return;
      }
      return append_seconds(out, entry.upstream_seconds);
    case TemplateVariable::time_local:
      out += clock.log_time();
      return;
    case TemplateVariable::time_iso8601:
      out += clock.iso_time();
      return;
    case TemplateVariable::proxy_add_x_forwarded_for:
    case TemplateVariable::proxy_add_forwarded:
      return;  // header rules only: the loader refuses them here
  }
}

void format_custom(const TextTemplate& line, const AccessLogEntry& entry, CachedClock& clock,
                   std::string& out) {
  for (const TemplatePart& part : line.parts) {
    if (part.variable) {
      append_variable(out, part, entry, clock);
    } else {
      out += part.literal;  // the config's text
    }
  }
}

}  // namespace

void AccessLog::format(const AccessLogConfig& config, const AccessLogEntry& entry,
                       CachedClock& clock, std::string& out) {
  switch (config.kind) {
    case AccessLogFormat::combined:
      return format_combined(entry, clock, out);
    case AccessLogFormat::json:
      return format_json(entry, clock, out);
    case AccessLogFormat::custom:
      return format_custom(config.line, entry, clock, out);
  }
}

}  // namespace relay7
