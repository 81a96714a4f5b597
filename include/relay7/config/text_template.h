#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay7 {

// The request values a template may name. A request only looks them up: which ones a text uses,
// and where, is decided when the config is loaded.
enum class TemplateVariable {
  scheme,       // "http" or "https", by the listener
  host,         // the request's host name without port, lower-case (as nginx's $host)
  request_uri,  // the request target as received, query included
  server_port,  // the port of the address the request came in on
};

// One run of a template: literal text, or one variable.
struct TemplatePart {
  std::optional<TemplateVariable> variable;  // unset: `literal`
  std::string literal;

  bool operator==(const TemplatePart& other) const = default;
};

// A config text with `$name` or `${name}` variables and `$$` for a dollar sign, split into parts.
struct TextTemplate {
  std::string text;  // as written in the config
  std::vector<TemplatePart> parts;

  bool empty() const { return text.empty(); }
  bool has_variables() const;
  bool operator==(const TextTemplate& other) const = default;
};

// The variable names a template accepts, for error messages: "$host, $request_uri, ...".
std::string known_template_variables();

// Splits `text`; nullopt with `error` set (the offending name and the known ones) when it names
// an unknown variable or holds a `$` that starts none.
std::optional<TextTemplate> parse_text_template(std::string_view text, std::string& error);

}  // namespace relay7
