#include "relay7/http/hop_by_hop.h"

#include <array>

#include "relay7/http/ascii.h"

namespace relay7 {

bool is_connection_specific(std::string_view name) {
  static constexpr std::array<std::string_view, 8> kNames = {
      "connection", "keep-alive", "proxy-connection",  "te",
      "trailer",    "upgrade",    "transfer-encoding", "content-length"};
  for (std::string_view candidate : kNames) {
    if (iequals(name, candidate)) {
      return true;
    }
  }
  return false;
}

bool named_by_connection_header(const HeaderList& headers, std::string_view name) {
  for (const Header& header : headers) {
    if (iequals(header.name, "connection") && list_has_token(header.value, name)) {
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
