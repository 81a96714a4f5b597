#include "relay7/http1/response_head.h"

#include <charconv>

#include "relay7/http/ascii.h"
#include "relay7/http/hop_by_hop.h"
#include "relay7/http/status.h"

namespace relay7 {
namespace {

void append_number(std::string& out, uint64_t value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, result.ptr);
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

// Content-Length survives on bodiless responses (HEAD, 304) because it describes the
// representation there, not the framing of this message.
bool keeps_content_length(ResponseBodyMode mode) {
  return mode == ResponseBodyMode::none || mode == ResponseBodyMode::length;
}

void append_backend_fields(const HeaderList& fields, ResponseBodyMode mode, std::string& out) {
  const ConnectionOptions connection_options(fields);
  for (const Header& field : fields) {
    const bool content_length = iequals(field.name, "content-length");
    if (content_length
            ? !keeps_content_length(mode)
            : (is_connection_specific(field.name) || connection_options.names(field.name))) {
      continue;
    }
    append_field(out, field.name, field.value);
  }
}

void append_generated_fields(const ResponseHead& head, std::string_view date, std::string& out) {
  out += "Server: relay7\r\nDate: ";
  out += date;
  out += "\r\n";
  if (!status_has_no_body(head.status)) {
    out += "Content-Type: text/plain; charset=utf-8\r\nContent-Length: ";
    append_number(out, head.content_length.value_or(0));
    out += "\r\n";
  }
}

}  // namespace

void write_response_head(const ResponseHead& head, const Http1ResponseFraming& framing,
                         std::string& out) {
  out.assign("HTTP/1.1 ");
  append_number(out, static_cast<uint64_t>(head.status));
  out += ' ';
  out += head.reason.empty() ? reason_phrase(head.status) : head.reason;
  out += "\r\n";
  if (head.generated) {
    append_generated_fields(head, framing.date, out);
  } else if (head.fields != nullptr) {
    append_backend_fields(*head.fields, framing.body_mode, out);
  }
  if (head.switching_protocols) {
    const Header* upgrade = head.fields != nullptr ? head.fields->find("upgrade") : nullptr;
    append_field(out, "Upgrade", upgrade != nullptr ? std::string_view(upgrade->value) : "");
    out += "Connection: upgrade\r\n\r\n";
    return;
  }
  if (!head.location.empty()) {
    append_field(out, "Location", head.location);
  }
  if (!head.set_cookie.empty()) {
    append_field(out, "Set-Cookie", head.set_cookie);
  }
  if (framing.body_mode == ResponseBodyMode::chunked) {
    out += "Transfer-Encoding: chunked\r\n";
  }
  if (head.status >= 200) {
    out += connection_header_line(framing.keep_alive, framing.client_http11);
  }
  out += "\r\n";
}

}  // namespace relay7
