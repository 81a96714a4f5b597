#include "relay7/http1/upstream_request_head.h"

#include <array>
#include <charconv>

#include "relay7/http/ascii.h"
#include "relay7/http/hop_by_hop.h"

namespace relay7 {
namespace {

void append_forwarded_for(IoBuffer& out, const HeaderList& headers, std::string_view peer_ip) {
  out.append("X-Forwarded-For: ");
  for (const Header& header : headers) {
    if (header.known == FieldName::x_forwarded_for && !header.value.empty()) {
      out.append(header.value);
      out.append(", ");
    }
  }
  out.append(peer_ip);
  out.append("\r\n");
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
  out.append_field("Host", request.host);
  const ConnectionOptions connection_options(headers);
  for (const Header& header : headers) {
    if (is_connection_specific(header.known) || is_set_by_relay7(header.known) ||
        connection_options.names(header.name)) {
      continue;
    }
    out.append_field(header.name, header.value);
  }
  append_forwarded_for(out, headers, request.peer_ip);
  out.append_field("X-Real-IP", request.client_ip);
  out.append_field("X-Forwarded-Proto", request.client_tls ? "https" : "http");
  out.append_field("X-Forwarded-Host", request.host);
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
