#include "relay7/routing/header_rules.h"

#include <algorithm>

#include "relay7/http/ascii.h"

namespace relay7 {
namespace {

std::string lower_case(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    c = ascii_lower(c);
  }
  return out;
}

HeaderEdit default_set(std::string_view name, std::string_view value) {
  std::string error;
  return HeaderEdit{HeaderEditKind::set, std::string(name),
                    *parse_text_template(value, error, TemplateScope::header_rule)};
}

std::vector<HeaderEdit> default_response_rules(const Config& config) {
  std::vector<HeaderEdit> edits;
  if (config.request_id && config.request_id->return_to_client) {
    edits.push_back(default_set(config.request_id->header, "$request_id"));
  }
  return edits;
}

// Applies one layer to what the layers below decided.
void apply_layer(const std::vector<HeaderEdit>& layer, FieldRules& rules,
                 std::optional<TextTemplate>* host) {
  for (const HeaderEdit& edit : layer) {
    if (edit.kind == HeaderEditKind::add) {
      continue;
    }
    const std::string lower = lower_case(edit.name);
    std::erase_if(rules.fields,
                  [&](const FieldOutput& field) { return field.lower_name == lower; });
    rules.dropped.add(lower);
  }
  for (const HeaderEdit& edit : layer) {
    if (edit.kind == HeaderEditKind::remove) {
      continue;
    }
    if (host != nullptr && classify_field_name(edit.name) == FieldName::host) {
      *host = edit.value;
      continue;
    }
    rules.fields.push_back(FieldOutput{edit.name, lower_case(edit.name), edit.value});
  }
}

bool uses_request_id(const FieldRules& rules) {
  return std::any_of(rules.fields.begin(), rules.fields.end(), [](const FieldOutput& field) {
    return field.value.uses(TemplateVariable::request_id);
  });
}

}  // namespace

void DroppedFields::add(std::string_view name) {
  const FieldName known = classify_field_name(name);
  if (known != FieldName::other) {
    known_.set(static_cast<size_t>(known));
    return;
  }
  std::string lower = lower_case(name);
  if (std::find(others_.begin(), others_.end(), lower) == others_.end()) {
    others_.push_back(std::move(lower));
  }
}

bool DroppedFields::contains(const Header& field) const {
  if (field.known != FieldName::other) {
    return known_.test(static_cast<size_t>(field.known));
  }
  return !others_.empty() && contains(std::string_view(field.name));
}

bool DroppedFields::contains(std::string_view name) const {
  const FieldName known = classify_field_name(name);
  if (known != FieldName::other) {
    return known_.test(static_cast<size_t>(known));
  }
  return std::any_of(others_.begin(), others_.end(),
                     [&](const std::string& other) { return iequals(other, name); });
}

std::vector<HeaderEdit> default_request_rules(const Config& config) {
  std::vector<HeaderEdit> edits{
      default_set("X-Forwarded-For", "$proxy_add_x_forwarded_for"),
      default_set("X-Real-IP", "$remote_addr"),
      default_set("X-Forwarded-Proto", "$scheme"),
      default_set("X-Forwarded-Host", "$http_host"),
  };
  if (config.request_id) {
    edits.push_back(default_set(config.request_id->header, "$request_id"));
  }
  return edits;
}

HeaderRuleSet merge_header_rules(const Config& config, const HeaderRulesConfig* server,
                                 const HeaderRulesConfig* location) {
  HeaderRuleSet rules;
  apply_layer(default_request_rules(config), rules.request, &rules.host);
  apply_layer(default_response_rules(config), rules.response, nullptr);
  for (const HeaderRulesConfig* layer : {server, location}) {
    if (layer != nullptr) {
      apply_layer(layer->request, rules.request, &rules.host);
      apply_layer(layer->response, rules.response, nullptr);
    }
  }
  rules.uses_request_id = uses_request_id(rules.request) || uses_request_id(rules.response) ||
                          (rules.host && rules.host->uses(TemplateVariable::request_id));
  return rules;
}

}  // namespace relay7
