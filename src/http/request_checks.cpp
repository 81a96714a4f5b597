#include "relay7/http/request_checks.h"

#include "relay7/http/ascii.h"

namespace relay7 {
namespace {

bool acceptable_transfer_encoding(const HeaderList& headers) {
  const size_t count = headers.count("transfer-encoding");
  if (count == 0) {
    return true;
  }
  return count == 1 && iequals(trim_ows(headers.find("transfer-encoding")->value), "chunked");
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
