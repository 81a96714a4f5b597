#include "relay7/http/request_checks.h"

#include "relay7/http/transfer_encoding.h"

namespace relay7 {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_hex_digit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// RFC 3986 reg-name: unreserved, pct-encoded and sub-delims.
bool is_reg_name_char(char c) {
  return is_hex_digit(c) || (c >= 'g' && c <= 'z') || (c >= 'G' && c <= 'Z') ||
         std::string_view("-._~%!$&'()*+,;=").find(c) != std::string_view::npos;
}

bool all_of(std::string_view text, bool (*accepts)(char)) {
  for (const char c : text) {
    if (!accepts(c)) {
      return false;
    }
  }
  return true;
}

bool is_ip_literal_char(char c) {
  return is_hex_digit(c) || c == ':' || c == '.';
}

}  // namespace

bool is_valid_host_value(std::string_view value) {
  std::string_view host = value;
  std::string_view port;
  if (value.starts_with('[')) {
    const size_t close = value.find(']');
    if (close == std::string_view::npos || close == 1 ||
        !all_of(value.substr(1, close - 1), is_ip_literal_char)) {
      return false;
    }
    host = {};
    const std::string_view rest = value.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) {
      return false;
    }
    port = rest.empty() ? rest : rest.substr(1);
  } else if (const size_t colon = value.find(':'); colon != std::string_view::npos) {
    host = value.substr(0, colon);
    port = value.substr(colon + 1);
  }
  return all_of(host, is_reg_name_char) && all_of(port, is_digit);
}

int refuse_request_head(const MessageHead& head, bool from_http2) {
  const bool supported = from_http2 ? head.version_major == 2 && head.version_minor == 0
                                    : head.version_major == 1 && head.version_minor <= 1;
  if (!supported) {
    return 505;
  }
  if (head.method == "CONNECT") {
    return 501;
  }
  const size_t host_count = head.headers.count(FieldName::host);
  if (host_count > 1 || (head.is_http11_or_later() && host_count == 0)) {
    return 400;
  }
  if (const Header* host = head.headers.find(FieldName::host);
      host != nullptr && !is_valid_host_value(host->value)) {
    return 400;
  }
  if (!transfer_encoding_is_unambiguous(head)) {
    return 400;
  }
  return 0;
}

}  // namespace relay7
