#include "relay7/pipeline/template_expansion.h"

#include "relay7/http/ascii.h"
#include "relay7/http/field_name.h"

namespace relay7 {
namespace {

// The list a forwarding field carries on: every field of the name the client sent, then `hop`.
void append_extended_list(const HeaderList* fields, std::string_view name, std::string_view hop,
                          std::string& out) {
  const size_t start = out.size();
  if (fields != nullptr) {
    append_field_values(*fields, name, out);
  }
  if (out.size() != start) {
    out.append(", ");
  }
  out.append(hop);
}

// A Forwarded parameter value (RFC 7239 section 4): a token as it is, anything else quoted.
void append_forwarded_value(std::string_view value, std::string& out) {
  if (is_token(value)) {
    out.append(value);
    return;
  }
  out.push_back('"');
  for (const char c : value) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  out.push_back('"');
}

// This hop's element: for= the peer (an IPv6 address in brackets, quoted), host= and proto=.
void append_forwarded_element(const TemplateValues& values, std::string& out) {
  out.append("for=");
  if (values.peer_ip.find(':') != std::string_view::npos) {
    out.append("\"[").append(values.peer_ip).append("]\"");
  } else {
    out.append(values.peer_ip);
  }
  if (!values.forwarded_host.empty()) {
    out.append(";host=");
    append_forwarded_value(values.forwarded_host, out);
  }
  out.append(";proto=").append(values.scheme);
}

void append_value(const TemplatePart& part, const TemplateValues& values, std::string& out) {
  switch (*part.variable) {
    case TemplateVariable::scheme:
      out.append(values.scheme);
      return;
    case TemplateVariable::host:
      out.append(values.host);
      return;
    case TemplateVariable::request_uri:
      out.append(values.request_uri);
      return;
    case TemplateVariable::server_port:
      out.append(values.server_port);
      return;
    case TemplateVariable::remote_addr:
      out.append(values.remote_addr);
      return;
    case TemplateVariable::request_id:
      out.append(values.request_id);
      return;
    case TemplateVariable::http_field:
      // An absolute-form target's authority stands in for Host (RFC 9112 section 3.2.2).
      if (part.field == "host") {
        out.append(values.forwarded_host);
      } else if (values.fields != nullptr) {
        append_field_values(*values.fields, part.field, out);
      }
      return;
    case TemplateVariable::proxy_add_x_forwarded_for:
      append_extended_list(values.fields, "x-forwarded-for", values.peer_ip, out);
      return;
    case TemplateVariable::proxy_add_forwarded: {
      std::string element;
      append_forwarded_element(values, element);
      append_extended_list(values.fields, "forwarded", element, out);
      return;
    }
    default:
      return;  // the access log's
  }
}

}  // namespace

void expand_template(const TextTemplate& text, const TemplateValues& values, std::string& out) {
  for (const TemplatePart& part : text.parts) {
    if (part.variable) {
      append_value(part, values, out);
    } else {
      out.append(part.literal);
    }
  }
}

void append_field_values(const HeaderList& fields, std::string_view name, std::string& out) {
  const std::string_view separator = name == "cookie" ? "; " : ", ";
  // The names relay7 classifies when it parses a head compare as numbers.
  const FieldName known = classify_field_name(name);
  bool first = true;
  for (const Header& field : fields) {
    const bool named = known != FieldName::other ? field.known == known : iequals(field.name, name);
    if (named && !field.value.empty()) {
      if (!first) {
        out.append(separator);
      }
      out.append(field.value);
      first = false;
    }
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
