#include "demo/response_builder.h"

#include <cstdio>

namespace relay7::demo {
namespace {

ResponseHead head_for(const ResponsePlan& plan, std::string_view content_type, uint64_t length) {
  ResponseHead head;
  head.status = plan.status;
  head.content_type = std::string(content_type);
  head.framing = status_forbids_body(plan.status) ? BodyFraming::kNone : plan.framing;
  head.content_length = length;
  head.close = plan.close;
  head.keep_alive_header = plan.keep_alive_header;
  head.extra = plan.extra;
  return head;
}

}  // namespace

ResponsePlan plan_response(const Request& request, const Controls& controls) {
  ResponsePlan plan;
  plan.status = controls.status.value_or(200);
  if (controls.close_delimited) {
    plan.framing = BodyFraming::kCloseDelimited;
  } else if (controls.chunked) {
    plan.framing = BodyFraming::kChunked;
  }
  plan.send_body = !request.is_head && !status_forbids_body(plan.status);
  // After an upgrade request that is not switched, llhttp treats what follows as another
  // protocol, so the connection cannot carry further requests.
  plan.close = !request.keep_alive || controls.close_delimited || request.upgrade;
  plan.keep_alive_header = !plan.close && request.version == "1.0";
  plan.extra = &controls.extra_headers;
  plan.trailers = &controls.trailers;
  return plan;
}

ResponsePlan plain_plan(const Request& request) {
  ResponsePlan plan;
  plan.send_body = !request.is_head;
  plan.close = !request.keep_alive || request.upgrade;
  plan.keep_alive_header = !plan.close && request.version == "1.0";
  return plan;
}

ResponsePlan error_plan(int status) {
  ResponsePlan plan;
  plan.status = status;
  plan.close = true;
  return plan;
}

std::string chunk_header(size_t length) {
  char text[32];
  std::snprintf(text, sizeof text, "%zx\r\n", length);
  return text;
}

std::string last_chunk(const ResponsePlan& plan) {
  if (plan.trailers == nullptr || plan.trailers->empty())
    return std::string(kLastChunk);
  std::string out = "0\r\n";
  for (const auto& [name, value] : *plan.trailers) {
    out += name + ": " + value + "\r\n";
  }
  out += "\r\n";
  return out;
}

std::string build_response(const ResponsePlan& plan, std::string_view content_type,
                           std::string_view body) {
  std::string out = serialize_head(head_for(plan, content_type, body.size()));
  if (!plan.send_body)
    return out;
  if (plan.framing == BodyFraming::kChunked) {
    if (!body.empty()) {
      out += chunk_header(body.size());
      out += body;
      out += "\r\n";
    }
    out += last_chunk(plan);
  } else {
    out += body;
  }
  return out;
}

std::string build_stream_head(const ResponsePlan& plan, std::string_view content_type,
                              uint64_t length) {
  return serialize_head(head_for(plan, content_type, length));
}

}  // namespace relay7::demo
