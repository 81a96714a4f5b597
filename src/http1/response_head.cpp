#include "relay7/http1/response_head.h"

#include <charconv>

#include "relay7/http/ascii.h"
#include "relay7/http/hop_by_hop.h"
#include "relay7/http/status.h"

namespace relay7 {
namespace {

void append_number(IoBuffer& out, uint64_t value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(std::string_view(digits, static_cast<size_t>(result.ptr - digits)));
}

// Content-Length survives on bodiless responses (HEAD, 304) because it describes the
// representation there, not the framing of this message.
bool keeps_content_length(ResponseBodyMode mode) {
  return mode == ResponseBodyMode::none || mode == ResponseBodyMode::length;
}

bool dropped_by_rules(const ResponseHead& head, const Header& field) {
  return head.edits != nullptr && head.edits->dropped->contains(field);
}

bool dropped_by_rules(const ResponseHead& head, std::string_view name) {
  return head.edits != nullptr && head.edits->dropped->contains(name);
}

void append_backend_fields(const ResponseHead& head, ResponseBodyMode mode, IoBuffer& out) {
  const HeaderList& fields = *head.fields;
  const ConnectionOptions connection_options(fields);
  for (const Header& field : fields) {
    const bool content_length = field.known == FieldName::content_length;
    if (content_length ? !keeps_content_length(mode)
                       : (is_connection_specific(field.known) ||
                          connection_options.names(field.name) || dropped_by_rules(head, field))) {
      continue;
    }
    out.append_field(field.name, field.value);
  }
}

void append_generated_fields(const ResponseHead& head, std::string_view date, IoBuffer& out) {
  if (!dropped_by_rules(head, "server")) {
    out.append("Server: relay7\r\n");
  }
  if (!dropped_by_rules(head, "date")) {
    out.append_field("Date", date);
  }
  if (!status_has_no_body(head.status)) {
    if (!dropped_by_rules(head, "content-type")) {
      out.append("Content-Type: text/plain; charset=utf-8\r\n");
    }
    out.append("Content-Length: ");
    append_number(out, head.content_length.value_or(0));
    out.append("\r\n");
  }
}

void append_added_fields(const ResponseHead& head, IoBuffer& out) {
  if (head.edits != nullptr) {
    for (const AddedField& field : head.edits->added) {
      out.append_field(field.name, field.value);
    }
  }
}

// "HTTP/1.1 200 OK\r\n", and the same for every status with its standard phrase.
void append_status_line(const ResponseHead& head, IoBuffer& out) {
  out.append("HTTP/1.1 ");
  append_number(out, static_cast<uint64_t>(head.status));
  out.append(" ");
  out.append(head.reason.empty() ? reason_phrase(head.status) : head.reason);
  out.append("\r\n");
}

}  // namespace

void write_response_head(const ResponseHead& head, const Http1ResponseFraming& framing,
                         IoBuffer& out) {
  append_status_line(head, out);
  if (head.generated) {
    append_generated_fields(head, framing.date, out);
  } else if (head.fields != nullptr) {
    append_backend_fields(head, framing.body_mode, out);
  }
  if (head.switching_protocols) {
    const Header* upgrade =
        head.fields != nullptr ? head.fields->find(FieldName::upgrade) : nullptr;
    out.append_field("Upgrade", upgrade != nullptr ? std::string_view(upgrade->value) : "");
    out.append("Connection: upgrade\r\n\r\n");
    return;
  }
  if (!head.location.empty()) {
    out.append_field("Location", head.location);
  }
  if (!head.set_cookie.empty()) {
    out.append_field("Set-Cookie", head.set_cookie);
  }
  append_added_fields(head, out);
  if (framing.body_mode == ResponseBodyMode::chunked) {
    out.append("Transfer-Encoding: chunked\r\n");
  }
  if (head.status >= 200) {
    out.append(connection_header_line(framing.keep_alive, framing.client_http11));
  }
  out.append("\r\n");
}

}  // namespace relay7
