#pragma once

#include <string>
#include <string_view>

#include "relay7/http/message_parser.h"
#include "relay7/transport/io_buffer.h"

namespace relay7 {

// How the request body travels to the upstream: relay7 re-frames it rather than forwarding the
// client's framing bytes, so the upstream sees exactly the body relay7 parsed.
enum class RequestBodyMode { none, length, chunked };

// The parts of the upstream request head, borrowed from the client connection's request for the
// build_upstream_request_head() call only.
struct UpstreamRequest {
  const MessageHead& client_head;
  std::string_view path;  // normalised and rewritten
  std::string_view query;
  bool has_query = false;
  std::string_view host;       // passed on as Host
  std::string_view client_ip;  // X-Real-IP: the client (real_ip may have taken it from a header)
  std::string_view peer_ip;    // appended to X-Forwarded-For: the hop relay7 got the request from
  RequestBodyMode body_mode = RequestBodyMode::none;
  uint64_t content_length = 0;
  bool upgrade = false;     // pass the client's Upgrade on (WebSocket)
  bool keep_alive = true;   // ask the upstream to keep the connection for the pool
  bool client_tls = false;  // the client came over TLS: X-Forwarded-Proto says https
};

// Appends the request head relay7 sends upstream to `out`: hop-by-hop headers removed, forwarding
// headers (X-Forwarded-For, X-Real-IP, X-Forwarded-Proto, X-Forwarded-Host) set.
void build_upstream_request_head(const UpstreamRequest& request, IoBuffer& out);

}  // namespace relay7
