#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "relay7/http/message_parser.h"

namespace relay7 {

// How the response body travels to the client.
enum class ResponseBodyMode {
  none,         // HEAD, 1xx, 204, 304
  length,       // Content-Length: moved from socket to socket without parsing
  chunked,      // re-framed as chunked (upstream sent chunked or close-delimited, client is 1.1)
  until_close,  // raw, ended by closing (upstream close-delimited or chunked, client is 1.0)
};

struct ClientResponse {
  const MessageHead& upstream_head;
  ResponseBodyMode body_mode = ResponseBodyMode::none;
  bool keep_alive = false;
  bool client_http11 = true;
  bool switching_protocols = false;  // 101: keep Upgrade and send Connection: upgrade
  std::string_view set_cookie;       // non-empty: a Set-Cookie header relay7 adds
};

// Serialises the response head sent to the client: hop-by-hop headers of the upstream hop
// removed, framing and Connection regenerated for the client hop.
void build_client_response_head(const ClientResponse& response, std::string& out);

}  // namespace relay7
