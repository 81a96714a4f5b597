#pragma once

#include <string_view>

namespace relay7 {

// The RFC 9110 reason phrase for a status code, or "Unknown".
std::string_view reason_phrase(int status);

// Statuses whose responses never carry a body (RFC 9112 section 6.3).
constexpr bool status_has_no_body(int status) {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

}  // namespace relay7
