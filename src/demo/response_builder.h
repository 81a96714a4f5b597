#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "demo/controls.h"
#include "demo/request.h"
#include "demo/response_head.h"

namespace relay7::demo {

// How the response to one request is shaped, decided from the request and its controls.
struct ResponsePlan {
  int status = 200;
  BodyFraming framing = BodyFraming::kContentLength;
  bool send_body = true;  // false for HEAD and for statuses that never carry a body
  bool close = false;
  bool keep_alive_header = false;
  const HeaderList* extra = nullptr;
  const HeaderList* trailers = nullptr;  // sent only when the body is chunked
};

ResponsePlan plan_response(const Request& request, const Controls& controls);

// For the backend's own endpoints, which ignore controls.
ResponsePlan plain_plan(const Request& request);

// For rejecting a request: the connection is closed afterwards because the stream position may
// no longer be trustworthy.
ResponsePlan error_plan(int status);

// The complete response (head and, when the plan allows, body) for an in-memory body.
std::string build_response(const ResponsePlan& plan, std::string_view content_type,
                           std::string_view body);

// Only the head of a response whose `length`-byte body is streamed separately.
std::string build_stream_head(const ResponsePlan& plan, std::string_view content_type,
                              uint64_t length);

std::string chunk_header(size_t length);

inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

// The last chunk with the plan's trailer section.
std::string last_chunk(const ResponsePlan& plan);

}  // namespace relay7::demo
