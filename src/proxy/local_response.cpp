#include "relay7/proxy/local_response.h"

#include <string>

#include "relay7/http/hop_by_hop.h"
#include "relay7/http/status.h"

namespace relay7 {

size_t append_local_response(evbuffer* out, const LocalResponse& response, std::string_view date) {
  const std::string_view reason = reason_phrase(response.status);
  std::string default_body;
  std::string_view body = response.body;
  if (body.empty() && !status_has_no_body(response.status)) {
    default_body = std::to_string(response.status) + " " + std::string(reason) + "\n";
    body = default_body;
  }
  std::string head;
  head.reserve(256);
  head += "HTTP/1.1 ";
  head += std::to_string(response.status);
  head += ' ';
  head += reason;
  head += "\r\nServer: relay7\r\nDate: ";
  head += date;
  if (!status_has_no_body(response.status)) {
    head += "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ";
    head += std::to_string(body.size());
  }
  if (!response.location.empty()) {
    head += "\r\nLocation: ";
    head += response.location;
  }
  head += "\r\n";
  head += connection_header_line(response.keep_alive, response.client_http11);
  head += "\r\n";
  evbuffer_add(out, head.data(), head.size());
  if (response.head_request || status_has_no_body(response.status)) {
    return 0;
  }
  evbuffer_add(out, body.data(), body.size());
  return body.size();
}

}  // namespace relay7
