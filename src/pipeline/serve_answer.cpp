// The "serve" action of a location: relay7's own metrics and status, answered by the worker that
// took the request from the memory all processes share (see relay7/metrics/).
#include <string>

#include "relay7/metrics/metrics_page.h"
#include "relay7/metrics/status_page.h"
#include "relay7/pipeline/exchange.h"
#include "relay7/pipeline/proxy_context.h"

namespace relay7 {
namespace {

constexpr std::string_view kAllowed = "GET, HEAD";

}  // namespace

void Exchange::answer_served(const ServeAction& action) {
  const std::string& method = request_.head->method;
  const bool head_request = method == "HEAD";
  HeaderList fields;
  std::string body;
  ResponseHead response;
  if (!head_request && method != "GET") {
    response.status = 405;
    fields.add("Allow", kAllowed);
    fields.add("Content-Type", "text/plain; charset=utf-8");
    body = "405 Method Not Allowed\n";
  } else if (action.kind == ServeKind::metrics) {
    fields.add("Content-Type", kMetricsContentType);
    write_metrics_page(context_.metrics().table(), context_.metrics().slots(), context_.upstreams(),
                       monotonic_ms(), body);
  } else {
    fields.add("Content-Type", "application/json");
    write_status_page(context_.metrics().table(), context_.metrics().slots(), context_.upstreams(),
                      monotonic_ms(), body);
  }
  // Every scrape must see the counters of that moment, never a cache's copy.
  fields.add("Cache-Control", "no-store");
  phase_ = Phase::finished;
  response.fields = &fields;
  response.content_length = body.size();
  response.bodiless = head_request;
  response.edits = response_edits();
  // A body the request carries is not read: the connection cannot be used for another request.
  response.close_connection = request_.body != RequestBodyKind::none;
  downstream_.start_response(response);
  if (!head_request) {
    downstream_.send_body(body);
  }
  log(response.status, head_request ? 0 : body.size(), "-");
  downstream_.end_response(HeaderList{});  // last: the session may retire this exchange
}

}  // namespace relay7
