#include "relay7/pipeline/template_expansion.h"

namespace relay7 {
namespace {

std::string_view value_of(TemplateVariable variable, const TemplateValues& values) {
  switch (variable) {
    case TemplateVariable::scheme:
      return values.scheme;
    case TemplateVariable::host:
      return values.host;
    case TemplateVariable::request_uri:
      return values.request_uri;
    case TemplateVariable::server_port:
      return values.server_port;
  }
  return {};
}

}  // namespace

void expand_template(const TextTemplate& text, const TemplateValues& values, std::string& out) {
  for (const TemplatePart& part : text.parts) {
    out.append(part.variable ? value_of(*part.variable, values) : std::string_view(part.literal));
  }
}

std::string_view request_uri_of(std::string_view target) {
  if (target.starts_with('/') || target == "*") {
    return target;
  }
  const size_t authority = target.find("://");
  if (authority == std::string_view::npos) {
    return target;
  }
  const size_t path = target.find_first_of("/?", authority + 3);
  if (path == std::string_view::npos) {
    return "/";
  }
  return target.substr(path);
}

}  // namespace relay7
