#pragma once

#include <string>
#include <string_view>

#include "relay7/config/text_template.h"

namespace relay7 {

// What a request's variables stand for. Views into the exchange's request and its listener,
// valid while the caller expands.
struct TemplateValues {
  std::string_view scheme;
  std::string_view host;
  std::string_view request_uri;
  std::string_view server_port;
};

// Appends `text` to `out` with each variable replaced by its value.
void expand_template(const TextTemplate& text, const TemplateValues& values, std::string& out);

// `target` as $request_uri shows it: an absolute-form target ("http://a.example/x?y") loses its
// scheme and authority, which a redirect names itself; other forms are returned unchanged.
std::string_view request_uri_of(std::string_view target);

}  // namespace relay7
