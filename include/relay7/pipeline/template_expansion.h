#pragma once

#include <string>
#include <string_view>

#include "relay7/config/text_template.h"
#include "relay7/http/header_list.h"

namespace relay7 {

// What a request's variables stand for. Views into the exchange's request and its listener,
// valid while the caller expands.
struct TemplateValues {
  std::string_view scheme;
  std::string_view host;
  std::string_view request_uri;
  std::string_view server_port;
  // Header rules only (empty, or nullptr, for a redirect).
  std::string_view remote_addr;
  std::string_view peer_ip;  // the hop relay7 got the request from: what X-Forwarded-For gains
  std::string_view request_id;
  std::string_view forwarded_host;     // the Host passed on (the authority of an absolute target)
  const HeaderList* fields = nullptr;  // the request's
};

// Appends `text` to `out` with each variable replaced by its value. Variables of the access log's
// scope expand to nothing here: the access log expands its own.
void expand_template(const TextTemplate& text, const TemplateValues& values, std::string& out);

// Appends the non-empty values of every field `name` (lower-case) of `fields` joined by ", " (by
// "; " for Cookie, as HTTP/2 splits it); nothing when there is none.
void append_field_values(const HeaderList& fields, std::string_view name, std::string& out);

// `target` as $request_uri shows it: an absolute-form target ("http://a.example/x?y") loses its
// scheme and authority, which a redirect names itself; other forms are returned unchanged.
std::string_view request_uri_of(std::string_view target);

}  // namespace relay7
