#include "relay7/config/text_template.h"

#include <algorithm>
#include <array>
#include <utility>

namespace relay7 {
namespace {

constexpr unsigned bit(TemplateScope scope) {
  return 1U << static_cast<unsigned>(scope);
}

constexpr unsigned kAnywhere =
    bit(TemplateScope::redirect) | bit(TemplateScope::header_rule) | bit(TemplateScope::access_log);
constexpr unsigned kPerRequest = bit(TemplateScope::header_rule) | bit(TemplateScope::access_log);
constexpr unsigned kRulesOnly = bit(TemplateScope::header_rule);
constexpr unsigned kLogOnly = bit(TemplateScope::access_log);

struct KnownVariable {
  std::string_view name;
  TemplateVariable variable;
  unsigned scopes;  // bits of the scopes that know it
};

constexpr std::array<KnownVariable, 20> kVariables{{
    {"scheme", TemplateVariable::scheme, kAnywhere},
    {"host", TemplateVariable::host, kAnywhere},
    {"request_uri", TemplateVariable::request_uri, kAnywhere},
    {"server_port", TemplateVariable::server_port, kAnywhere},
    {"remote_addr", TemplateVariable::remote_addr, kPerRequest},
    {"request_id", TemplateVariable::request_id, kPerRequest},
    {"http_NAME", TemplateVariable::http_field, kPerRequest},
    {"proxy_add_x_forwarded_for", TemplateVariable::proxy_add_x_forwarded_for, kRulesOnly},
    {"proxy_add_forwarded", TemplateVariable::proxy_add_forwarded, kRulesOnly},
    {"request", TemplateVariable::request, kLogOnly},
    {"request_method", TemplateVariable::request_method, kLogOnly},
    {"server_protocol", TemplateVariable::server_protocol, kLogOnly},
    {"status", TemplateVariable::status, kLogOnly},
    {"body_bytes_sent", TemplateVariable::body_bytes_sent, kLogOnly},
    {"request_time", TemplateVariable::request_time, kLogOnly},
    {"upstream_addr", TemplateVariable::upstream_addr, kLogOnly},
    {"upstream_status", TemplateVariable::upstream_status, kLogOnly},
    {"upstream_response_time", TemplateVariable::upstream_response_time, kLogOnly},
    {"time_local", TemplateVariable::time_local, kLogOnly},
    {"time_iso8601", TemplateVariable::time_iso8601, kLogOnly},
}};

constexpr std::string_view kFieldPrefix = "http_";

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool in_scope(unsigned scopes, TemplateScope scope) {
  return (scopes & bit(scope)) != 0;
}

// The part `name` stands for in `scope`, or nullopt.
std::optional<TemplatePart> find_variable(std::string_view name, TemplateScope scope) {
  if (name.starts_with(kFieldPrefix) && name.size() > kFieldPrefix.size() &&
      in_scope(kPerRequest, scope)) {
    TemplatePart part{TemplateVariable::http_field, {}, {}};
    for (const char c : name.substr(kFieldPrefix.size())) {
      part.field.push_back(c == '_' ? '-' : static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    }
    return part;
  }
  for (const KnownVariable& known : kVariables) {
    if (known.name == name && known.variable != TemplateVariable::http_field &&
        in_scope(known.scopes, scope)) {
      return TemplatePart{known.variable, {}, {}};
    }
  }
  return std::nullopt;
}

void append_literal(std::vector<TemplatePart>& parts, std::string_view text) {
  if (text.empty()) {
    return;
  }
  if (parts.empty() || parts.back().variable) {
    parts.push_back(TemplatePart{std::nullopt, std::string(text), {}});
  } else {
    parts.back().literal.append(text);
  }
}

// The variable name after the `$` at `dollar`: `name` or `{name}`. Returns the name and moves
// `next` past it; an empty name when there is none.
std::string_view read_name(std::string_view text, size_t dollar, size_t& next) {
  size_t begin = dollar + 1;
  const bool braced = begin < text.size() && text[begin] == '{';
  begin += braced ? 1 : 0;
  size_t end = begin;
  while (end < text.size() && is_name_char(text[end])) {
    ++end;
  }
  if (braced && (end >= text.size() || text[end] != '}')) {
    return {};
  }
  next = end + (braced ? 1 : 0);
  return text.substr(begin, end - begin);
}

}  // namespace

bool TextTemplate::has_variables() const {
  return std::any_of(parts.begin(), parts.end(),
                     [](const TemplatePart& part) { return part.variable.has_value(); });
}

bool TextTemplate::uses(TemplateVariable variable) const {
  return std::any_of(parts.begin(), parts.end(),
                     [&](const TemplatePart& part) { return part.variable == variable; });
}

std::string known_template_variables(TemplateScope scope) {
  std::string out;
  for (const KnownVariable& known : kVariables) {
    if (in_scope(known.scopes, scope)) {
      out.append(out.empty() ? "$" : ", $").append(known.name);
    }
  }
  return out;
}

std::optional<TextTemplate> parse_text_template(std::string_view text, std::string& error,
                                                TemplateScope scope) {
  TextTemplate result;
  result.text = text;
  size_t position = 0;
  while (position < text.size()) {
    const size_t dollar = text.find('$', position);
    if (dollar == std::string_view::npos) {
      append_literal(result.parts, text.substr(position));
      break;
    }
    append_literal(result.parts, text.substr(position, dollar - position));
    if (dollar + 1 < text.size() && text[dollar + 1] == '$') {
      append_literal(result.parts, "$");
      position = dollar + 2;
      continue;
    }
    size_t next = dollar + 1;
    const std::string_view name = read_name(text, dollar, next);
    if (name.empty()) {
      error = "\"$\" at offset " + std::to_string(dollar) +
              " starts no variable name; write \"$$\" for a dollar sign (variables: " +
              known_template_variables(scope) + ")";
      return std::nullopt;
    }
    auto part = find_variable(name, scope);
    if (!part) {
      error = "unknown variable \"$" + std::string(name) +
              "\"; known variables: " + known_template_variables(scope) +
              " (\"$$\" is a dollar sign)";
      return std::nullopt;
    }
    result.parts.push_back(std::move(*part));
    position = next;
  }
  return result;
}

}  // namespace relay7
