#include "relay7/http/request_checks.h"

#include <string_view>

#include "relay7/http/ascii.h"

namespace relay7 {
namespace {

// llhttp frames a body as chunked only when "chunked" is followed by nothing but spaces: after a
// TAB it reads no body at all. Such a value is refused, so that relay7 never accepts a
// Transfer-Encoding that its parser did not frame as chunked.
bool acceptable_transfer_encoding(const HeaderList& headers) {
  const size_t count = headers.count("transfer-encoding");
  if (count == 0) {
    return true;
  }
  if (count != 1) {
    return false;
  }
  std::string_view value = headers.find("transfer-encoding")->value;
  while (!value.empty() && value.back() == ' ') {
    value.remove_suffix(1);
  }
  return !value.empty() && value.back() != '\t' && iequals(trim_ows(value), "chunked");
}

}  // namespace

int refuse_request_head(const MessageHead& head) {
  if (head.version_major != 1 || head.version_minor > 1) {
    return 505;
  }
  if (head.method == "CONNECT") {
    return 501;
  }
  const size_t host_count = head.headers.count("host");
  if (host_count > 1 || (head.is_http11_or_later() && host_count == 0)) {
    return 400;
  }
  if (!acceptable_transfer_encoding(head.headers)) {
    return 400;
  }
  return 0;
}

}  // namespace relay7
