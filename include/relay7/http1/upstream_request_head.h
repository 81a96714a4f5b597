#pragma once

#include <string>
#include <string_view>

#include "relay7/http/message_parser.h"
#include "relay7/pipeline/template_expansion.h"
#include "relay7/routing/header_rules.h"
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
  std::string_view host;  // passed on as Host unless a rule sets it
  RequestBodyMode body_mode = RequestBodyMode::none;
  uint64_t content_length = 0;
  bool upgrade = false;    // pass the client's Upgrade on (WebSocket)
  bool keep_alive = true;  // ask the upstream to keep the connection for the pool
  // The location's header rules (the forwarded headers among them) and what their variables
  // stand for.
  const HeaderRuleSet& rules;
  const TemplateValues& values;
  std::string& scratch;  // one field's value while it is expanded; the caller's, reused
};

// Appends the request head relay7 sends upstream to `out`: hop-by-hop fields and the fields a
// rule sets or removes left out, then the rules' fields (by default X-Forwarded-For, X-Real-IP,
// X-Forwarded-Proto and X-Forwarded-Host). A rule whose value expands to nothing sends no field.
void build_upstream_request_head(const UpstreamRequest& request, IoBuffer& out);

}  // namespace relay7
