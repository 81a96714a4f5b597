#include "relay7/http/hop_by_hop.h"

#include <array>

#include "relay7/http/ascii.h"

namespace relay7 {

bool is_connection_specific(std::string_view name) {
  // By length first: most fields of a message are none of these and fail without a compare.
  switch (name.size()) {
    case 2:
      return iequals(name, "te");
    case 7:
      return iequals(name, "trailer") || iequals(name, "upgrade");
    case 10:
      return iequals(name, "connection") || iequals(name, "keep-alive");
    case 14:
      return iequals(name, "content-length");
    case 16:
      return iequals(name, "proxy-connection");
    case 17:
      return iequals(name, "transfer-encoding");
    default:
      return false;
  }
}

ConnectionOptions::ConnectionOptions(const HeaderList& fields) : fields_(fields) {
  for (const Header& field : fields) {
    if (field.known != FieldName::connection) {
      continue;
    }
    for_each_list_token(field.value, [&](std::string_view token) {
      if (is_connection_specific(token)) {
        return;
      }
      if (count_ == kInline) {
        overflow_ = true;
        return;
      }
      tokens_[count_++] = token;
    });
  }
}

bool ConnectionOptions::names(std::string_view name) const {
  if (overflow_) {
    return named_by_connection_header(fields_, name);
  }
  for (size_t i = 0; i < count_; ++i) {
    if (iequals(tokens_[i], name)) {
      return true;
    }
  }
  return false;
}

bool named_by_connection_header(const HeaderList& headers, std::string_view name) {
  for (const Header& header : headers) {
    if (header.known == FieldName::connection && list_has_token(header.value, name)) {
      return true;
    }
  }
  return false;
}

std::string_view connection_header_line(bool keep_alive, bool peer_is_http11) {
  if (!keep_alive) {
    return "Connection: close\r\n";
  }
  return peer_is_http11 ? "" : "Connection: keep-alive\r\n";
}

}  // namespace relay7
