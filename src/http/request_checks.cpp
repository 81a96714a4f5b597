#include "relay7/http/request_checks.h"

#include "relay7/http/transfer_encoding.h"

namespace relay7 {

int refuse_request_head(const MessageHead& head) {
  if (head.version_major != 1 || head.version_minor > 1) {
    return 505;
  }
  if (head.method == "CONNECT") {
    return 501;
  }
  const size_t host_count = head.headers.count(FieldName::host);
  if (host_count > 1 || (head.is_http11_or_later() && host_count == 0)) {
    return 400;
  }
  if (!transfer_encoding_is_unambiguous(head)) {
    return 400;
  }
  return 0;
}

}  // namespace relay7
