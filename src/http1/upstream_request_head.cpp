#include "relay7/http1/upstream_request_head.h"

#include <array>

#include "relay7/http/ascii.h"
#include "relay7/http/hop_by_hop.h"

namespace relay7 {
namespace {

// Headers relay7 sets itself; a client's copies are replaced (or, for X-Forwarded-For, extended).
bool set_by_relay7(std::string_view name) {
  static constexpr std::array<std::string_view, 5> kNames = {
      "host", "x-forwarded-for", "x-real-ip", "x-forwarded-proto", "x-forwarded-host"};
  for (std::string_view candidate : kNames) {
    if (iequals(name, candidate)) {
      return true;
    }
  }
  return false;
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

void append_forwarded_for(std::string& out, const HeaderList& headers, std::string_view client_ip) {
  out += "X-Forwarded-For: ";
  for (const Header& header : headers) {
    if (iequals(header.name, "x-forwarded-for") && !header.value.empty()) {
      out += header.value;
      out += ", ";
    }
  }
  out += client_ip;
  out += "\r\n";
}

}  // namespace

void build_upstream_request_head(const UpstreamRequest& request, std::string& out) {
  const HeaderList& headers = request.client_head.headers;
  out.clear();
  out += request.client_head.method;
  out += ' ';
  out += request.path;
  if (request.has_query) {
    out += '?';
    out += request.query;
  }
  out += " HTTP/1.1\r\n";
  append_header(out, "Host", request.host);
  const ConnectionOptions connection_options(headers);
  for (const Header& header : headers) {
    if (is_connection_specific(header.name) || set_by_relay7(header.name) ||
        connection_options.names(header.name)) {
      continue;
    }
    append_header(out, header.name, header.value);
  }
  append_forwarded_for(out, headers, request.client_ip);
  append_header(out, "X-Real-IP", request.client_ip);
  append_header(out, "X-Forwarded-Proto", "http");
  append_header(out, "X-Forwarded-Host", request.host);
  if (request.body_mode == RequestBodyMode::length) {
    append_header(out, "Content-Length", std::to_string(request.content_length));
  } else if (request.body_mode == RequestBodyMode::chunked) {
    out += "Transfer-Encoding: chunked\r\n";
  }
  if (request.upgrade) {
    const Header* upgrade = headers.find("upgrade");
    append_header(out, "Upgrade", upgrade != nullptr ? std::string_view(upgrade->value) : "");
    out += "Connection: upgrade\r\n";
  } else if (!request.keep_alive) {
    out += "Connection: close\r\n";
  }
  out += "\r\n";
}

}  // namespace relay7
