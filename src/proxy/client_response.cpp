#include "relay7/proxy/client_response.h"

#include "relay7/http/ascii.h"
#include "relay7/http/hop_by_hop.h"
#include "relay7/http/status.h"

namespace relay7 {
namespace {

// Content-Length survives on bodiless responses (HEAD, 304) because it describes the
// representation there, not the framing of this message.
bool keeps_content_length(const ClientResponse& response) {
  return response.body_mode == ResponseBodyMode::none ||
         response.body_mode == ResponseBodyMode::length;
}

}  // namespace

void build_client_response_head(const ClientResponse& response, std::string& out) {
  const MessageHead& head = response.upstream_head;
  out.clear();
  out += "HTTP/1.1 ";
  out += std::to_string(head.status);
  out += ' ';
  out += head.reason.empty() ? reason_phrase(head.status) : std::string_view(head.reason);
  out += "\r\n";
  for (const Header& header : head.headers) {
    const bool content_length = iequals(header.name, "content-length");
    if (content_length ? !keeps_content_length(response)
                       : (is_connection_specific(header.name) ||
                          named_by_connection_header(head.headers, header.name))) {
      continue;
    }
    out += header.name;
    out += ": ";
    out += header.value;
    out += "\r\n";
  }
  if (response.switching_protocols) {
    const Header* upgrade = head.headers.find("upgrade");
    out += "Upgrade: ";
    out += upgrade != nullptr ? std::string_view(upgrade->value) : "";
    out += "\r\nConnection: upgrade\r\n\r\n";
    return;
  }
  if (!response.set_cookie.empty()) {
    out += "Set-Cookie: ";
    out += response.set_cookie;
    out += "\r\n";
  }
  if (response.body_mode == ResponseBodyMode::chunked) {
    out += "Transfer-Encoding: chunked\r\n";
  }
  if (head.status >= 200) {
    out += connection_header_line(response.keep_alive, response.client_http11);
  }
  out += "\r\n";
}

}  // namespace relay7
