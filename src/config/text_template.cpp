#include "relay7/config/text_template.h"

#include <algorithm>
#include <array>
#include <utility>

namespace relay7 {
namespace {

constexpr std::array<std::pair<std::string_view, TemplateVariable>, 4> kVariables{{
    {"scheme", TemplateVariable::scheme},
    {"host", TemplateVariable::host},
    {"request_uri", TemplateVariable::request_uri},
    {"server_port", TemplateVariable::server_port},
}};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::optional<TemplateVariable> find_variable(std::string_view name) {
  for (const auto& [known, variable] : kVariables) {
    if (known == name) {
      return variable;
    }
  }
  return std::nullopt;
}

void append_literal(std::vector<TemplatePart>& parts, std::string_view text) {
  if (text.empty()) {
    return;
  }
  if (parts.empty() || parts.back().variable) {
    parts.push_back(TemplatePart{std::nullopt, std::string(text)});
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

std::string known_template_variables() {
  std::string out;
  for (const auto& [name, variable] : kVariables) {
    out.append(out.empty() ? "$" : ", $").append(name);
  }
  return out;
}

std::optional<TextTemplate> parse_text_template(std::string_view text, std::string& error) {
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
              known_template_variables() + ")";
      return std::nullopt;
    }
    const auto variable = find_variable(name);
    if (!variable) {
      error = "unknown variable \"$" + std::string(name) +
              "\"; known variables: " + known_template_variables() + " (\"$$\" is a dollar sign)";
      return std::nullopt;
    }
    result.parts.push_back(TemplatePart{variable, {}});
    position = next;
  }
  return result;
}

}  // namespace relay7
