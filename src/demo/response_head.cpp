#include "demo/response_head.h"

#include <string>

namespace relay7::demo {

namespace {

struct Reason {
  int status;
  std::string_view phrase;
};

constexpr Reason kReasons[] = {
    {100, "Continue"},
    {101, "Switching Protocols"},
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {204, "No Content"},
    {206, "Partial Content"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {303, "See Other"},
    {304, "Not Modified"},
    {307, "Temporary Redirect"},
    {308, "Permanent Redirect"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {408, "Request Timeout"},
    {409, "Conflict"},
    {410, "Gone"},
    {411, "Length Required"},
    {413, "Content Too Large"},
    {414, "URI Too Long"},
    {415, "Unsupported Media Type"},
    {417, "Expectation Failed"},
    {418, "I'm a teapot"},
    {421, "Misdirected Request"},
    {422, "Unprocessable Content"},
    {425, "Too Early"},
    {426, "Upgrade Required"},
    {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Gateway Timeout"},
    {505, "HTTP Version Not Supported"},
};

}  // namespace

std::string_view reason_phrase(int status) {
  for (const Reason& reason : kReasons) {
    if (reason.status == status)
      return reason.phrase;
  }
  return "Unknown";
}

bool status_forbids_body(int status) {
  return status < 200 || status == 204 || status == 304;
}

std::string serialize_head(const ResponseHead& head) {
  std::string out = "HTTP/1.1 " + std::to_string(head.status) + " ";
  out += reason_phrase(head.status);
  out += "\r\n";
  if (!head.content_type.empty())
    out += "Content-Type: " + head.content_type + "\r\n";
  switch (head.framing) {
    case BodyFraming::kContentLength:
      out += "Content-Length: " + std::to_string(head.content_length) + "\r\n";
      break;
    case BodyFraming::kChunked:
      out += "Transfer-Encoding: chunked\r\n";
      break;
    case BodyFraming::kCloseDelimited:
    case BodyFraming::kNone:
      break;
  }
  if (head.close) {
    out += "Connection: close\r\n";
  } else if (head.keep_alive_header) {
    out += "Connection: keep-alive\r\n";
  }
  if (head.extra != nullptr) {
    for (const auto& [name, value] : *head.extra)
      out += name + ": " + value + "\r\n";
  }
  out += "\r\n";
  return out;
}

}  // namespace relay7::demo
