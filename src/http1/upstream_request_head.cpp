#include "relay7/http1/upstream_request_head.h"

#include <array>
#include <charconv>

#include "relay7/http/ascii.h"
#include "relay7/http/hop_by_hop.h"

namespace relay7 {
namespace {

void append_rule_fields(const UpstreamRequest& request, IoBuffer& out) {
  for (const FieldOutput& field : request.rules.request.fields) {
    request.scratch.clear();
    expand_template(field.value, request.values, request.scratch);
    if (!request.scratch.empty()) {
      out.append_field(field.name, request.scratch);
    }
  }
}

void append_host(const UpstreamRequest& request, IoBuffer& out) {
  if (request.rules.host) {
    request.scratch.clear();
    expand_template(*request.rules.host, request.values, request.scratch);
    if (!request.scratch.empty()) {
      out.append_field("Host", request.scratch);
      return;
    }
  }
  out.append_field("Host", request.host);
}

void append_number(IoBuffer& out, uint64_t value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(std::string_view(digits, static_cast<size_t>(result.ptr - digits)));
}

}  // namespace

void build_upstream_request_head(const UpstreamRequest& request, IoBuffer& out) {
  const HeaderList& headers = request.client_head.headers;
  out.append(request.client_head.method);
  out.append(" ");
  out.append(request.path);
  if (request.has_query) {
    out.append("?");
    out.append(request.query);
  }
  out.append(" HTTP/1.1\r\n");
  append_host(request, out);
  const ConnectionOptions connection_options(headers);
  const DroppedFields& dropped = request.rules.request.dropped;
  for (const Header& header : headers) {
    if (is_connection_specific(header.known) || header.known == FieldName::host ||
        dropped.contains(header) || connection_options.names(header.name)) {
      continue;
    }
    out.append_field(header.name, header.value);
  }
  append_rule_fields(request, out);
  if (request.body_mode == RequestBodyMode::length) {
    out.append("Content-Length: ");
    append_number(out, request.content_length);
    out.append("\r\n");
  } else if (request.body_mode == RequestBodyMode::chunked) {
    out.append("Transfer-Encoding: chunked\r\n");
  }
  if (request.upgrade) {
    const Header* upgrade = headers.find(FieldName::upgrade);
    out.append_field("Upgrade", upgrade != nullptr ? std::string_view(upgrade->value) : "");
    out.append("Connection: upgrade\r\n");
  } else if (!request.keep_alive) {
    out.append("Connection: close\r\n");
  }
  out.append("\r\n");
}

}  // namespace relay7
