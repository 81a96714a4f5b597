// libFuzzer harness: one client connection through the real request pipeline of a worker
// (the HTTP/1 server session, the exchange and upstream exchange, UpstreamAttempts, the
// balancers, the connection pools and HTTP/1 client sessions) to two
// real backends on loopback whose behaviour the input chooses. It exists for the paths that only
// run when an upstream misbehaves: retries after a request was sent, replayed bodies, trailers
// on both sides, a response the parser refuses halfway, timeouts. The upstream uses "hash" on a
// header, so the key of every retry is read again after the whole request (trailers included)
// was parsed: the use-after-free of issue 13 lived exactly there. See fuzz/README.md.
//
// Input: byte 0 and byte 1 choose the behaviour of backend 0 and backend 1 (Behaviour below),
// byte 2 the length of the response bytes (0..255), which follow; the rest is what the client
// sends, after which it half-closes. Findings are sanitizer reports and the invariants checked.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "pipeline_harness.h"
#include "relay7/http1/server_session.h"

namespace relay7::fuzz {
namespace {

constexpr std::string_view kConfigTemplate = R"({
  "workers": 1,
  "access_log": {"path": "/dev/null", "format": "json"},
  "request_id": {"trust": true, "return": true},
  "timeouts": {"client_header": "300ms", "client_body": "300ms", "send": "300ms",
               "upstream_connect": "300ms", "upstream_read": "100ms", "upstream_send": "300ms"},
  "upstreams": {"app": {"balance": "hash", "hash_key": "$http_x_user", "max_fails": 0,
                        "next_upstream_tries": 2, "fail_on_status": [502, 503],
                        "servers": ["127.0.0.1:PORT0", "127.0.0.1:PORT1"]}},
  "servers": [{"listen": ["127.0.0.1:1"],
    "header_rules": {"request": {"set": {"Forwarded": "$proxy_add_forwarded", "X-U": "$http_x_user"},
                                 "add": [["X-Id", "$request_id"]], "remove": ["Cookie"]},
                     "response": {"set": {"X-Frame-Options": "DENY"}, "remove": ["Server"]}},
    "locations": [
    {"path": "/", "proxy_pass": "http://app"},
    {"path": "/put", "proxy_pass": "http://app/", "retry_non_idempotent": true,
     "header_rules": {"request": {"set": {"Host": "$http_x_host"}}, "response": {"add": [["X-R", "$remote_addr"]]}}},
    {"path": "/admin", "return": 403},
    {"path": "/moved", "return": {"status": 301, "location": "$scheme://$host:$server_port$request_uri"}}
  ]}]
})";

const PipelineFixture& fixture() {
  static const PipelineFixture* const instance = make_pipeline_fixture(kConfigTemplate);
  return *instance;
}

// relay7 writes nothing but complete status lines at the start of its responses.
void check_client_bytes(const std::string& received) {
  if (received.empty()) {
    return;
  }
  FUZZ_CHECK(received.rfind("HTTP/1.", 0) == 0, "answer: " + escaped(received.substr(0, 64)));
}

void open_http1(ProxyContext& context, std::unique_ptr<Transport> transport,
                const SocketAddress& peer) {
  Http1ServerSession::open(context, std::move(transport), peer, 0);
}

void run(Behaviour first, Behaviour second, std::string_view response, std::string_view request) {
  check_client_bytes(run_pipeline(fixture(), first, second, response, request, open_http1));
}

}  // namespace
}  // namespace relay7::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (const auto input = relay7::fuzz::split_pipeline_input(data, size)) {
    relay7::fuzz::run(input->first, input->second, input->response, input->client);
  }
  return 0;
}
