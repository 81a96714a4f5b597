#include "relay7/http/transfer_encoding.h"

#include <string_view>

#include "relay7/http/ascii.h"

namespace relay7 {

bool transfer_encoding_is_unambiguous(const MessageHead& head) {
  const size_t count = head.headers.count(FieldName::transfer_encoding);
  if (count == 0) {
    return true;
  }
  if (count != 1 || !head.is_http11_or_later()) {
    return false;
  }
  std::string_view value = head.headers.find(FieldName::transfer_encoding)->value;
  while (!value.empty() && value.back() == ' ') {
    value.remove_suffix(1);
  }
  return !value.empty() && value.back() != '\t' && iequals(trim_ows(value), "chunked");
}

}  // namespace relay7
