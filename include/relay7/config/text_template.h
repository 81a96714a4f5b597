#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay7 {

// The request values a template may name. A request only looks them up: which ones a text uses,
// and where, is decided when the config is loaded.
enum class TemplateVariable {
  // Any template (return.location and everything below).
  scheme,       // "http" or "https", by the listener
  host,         // the request's host name without port, lower-case (as nginx's $host)
  request_uri,  // the request target as received, query included
  server_port,  // the port of the address the request came in on
  // Header rules and the access log.
  remote_addr,  // the client's address (real_ip may have taken it from a header)
  request_id,   // the request's ID (see Config::request_id)
  http_field,   // $http_NAME: the request's field NAME, several joined by ", "
  // Header rules only.
  proxy_add_x_forwarded_for,  // the client's X-Forwarded-For with the peer appended
  proxy_add_forwarded,        // the client's Forwarded (RFC 7239) with this hop's element appended
  // The access log only: what is known once the response has ended.
  request,                 // "GET /path HTTP/1.1"
  request_method,          // "GET"
  server_protocol,         // "HTTP/1.1"
  status,                  // the status sent to the client
  body_bytes_sent,         // response body bytes sent
  request_time,            // seconds from the request's first byte to its log line, "0.004"
  upstream_addr,           // the server that answered, "-" when relay7 answered itself
  upstream_status,         // that server's status, "-" when none
  upstream_response_time,  // seconds from connecting to that server to its response's end
  time_local,              // "06/Nov/1994:08:49:37 +0000"
  time_iso8601,            // "1994-11-06T08:49:37+00:00"
};

// Where a template is used, which decides the variables it may name.
enum class TemplateScope {
  redirect,     // return.location: $scheme $host $request_uri $server_port
  header_rule,  // header_rules values: those, the per-request ones and the forwarding lists
  access_log,   // access_log.format: the redirect's, the per-request ones and the log's own
};

// One run of a template: literal text, or one variable.
struct TemplatePart {
  std::optional<TemplateVariable> variable;  // unset: `literal`
  std::string literal;
  // The field $http_NAME names, lower-case with "_" read as "-" ("$http_x_user" -> "x-user").
  std::string field;

  bool operator==(const TemplatePart& other) const = default;
};

// A config text with `$name` or `${name}` variables and `$$` for a dollar sign, split into parts.
struct TextTemplate {
  std::string text;  // as written in the config
  std::vector<TemplatePart> parts;

  bool empty() const { return text.empty(); }
  bool has_variables() const;
  bool uses(TemplateVariable variable) const;
  bool operator==(const TextTemplate& other) const = default;
};

// The variable names a template of `scope` accepts, for error messages: "$host, $request_uri,
// ...".
std::string known_template_variables(TemplateScope scope = TemplateScope::redirect);

// Splits `text`; nullopt with `error` set (the offending name and the known ones) when it names
// a variable `scope` does not know or holds a `$` that starts none.
std::optional<TextTemplate> parse_text_template(std::string_view text, std::string& error,
                                                TemplateScope scope = TemplateScope::redirect);

}  // namespace relay7
