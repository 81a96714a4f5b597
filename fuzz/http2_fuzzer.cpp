// libFuzzer harness: one HTTP/2 client connection (h2c, prior knowledge) through a worker's
// real pipeline: the HTTP/2 server session over libnghttp2, its streams as Downstreams of the
// exchange, the upstream exchanges, retries and HTTP/1.1 client sessions, to two backends on
// loopback whose behaviour the input chooses. It reaches what HTTP/2 added: stream state
// changes under resets and GOAWAY, request bodies acknowledged against the backlog, trailers
// both ways, responses framed from stream buffers, the flood budgets, nghttp2 failing
// fatally. See fuzz/README.md.
//
// Input: byte 0 and byte 1 choose the behaviour of backend 0 and backend 1, byte 2 the length
// of the backends' response bytes (0..255), which follow; the rest is the client's frames,
// sent after the connection preface and an empty SETTINGS frame, then the client half-closes.
// Findings are sanitizer reports and the invariant that relay7 writes whole frames only,
// starting with its SETTINGS.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "pipeline_harness.h"
#include "relay7/http2/server_session.h"
#include "relay7/pipeline/proxy_context.h"
#include "relay7/transport/io_buffer.h"

namespace relay7::fuzz {
namespace {

constexpr std::string_view kConfigTemplate = R"({
  "workers": 1,
  "access_log": {"path": "/dev/null", "format": "$remote_addr \"$request\" $status $http_x_user $request_id"},
  "request_id": {"return": true},
  "timeouts": {"client_header": "300ms", "client_body": "300ms", "send": "300ms",
               "keepalive": "300ms", "upstream_connect": "300ms", "upstream_read": "100ms",
               "upstream_send": "300ms"},
  "limits": {"request_head": "4k", "request_headers": 20},
  "http2": {"max_concurrent_streams": 8, "max_resets_per_second": 2,
            "max_control_frames_per_second": 2},
  "upstreams": {"app": {"balance": "hash", "hash_key": "$http_x_user", "max_fails": 0,
                        "next_upstream_tries": 2, "fail_on_status": [502, 503],
                        "servers": ["127.0.0.1:PORT0", "127.0.0.1:PORT1"]}},
  "servers": [{"listen": [{"address": "127.0.0.1:1", "h2c": true}], "max_body_size": "64k",
    "header_rules": {"request": {"set": {"Forwarded": "$proxy_add_forwarded"}, "remove": ["Cookie"]},
                     "response": {"add": [["X-U", "$http_x_user"]], "remove": ["Server", "Date"]}},
    "locations": [
    {"path": "/", "proxy_pass": "http://app"},
    {"path": "/put", "proxy_pass": "http://app/", "retry_non_idempotent": true},
    {"path": "/admin", "return": 403},
    {"path": "/moved", "return": {"status": 301, "location": "$scheme://$host$request_uri"}}
  ]}]
})";

// The client connection preface and an empty SETTINGS frame.
constexpr std::string_view kPreface(
    "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    "\x00\x00\x00\x04\x00\x00\x00\x00\x00",
    24 + 9);

const PipelineFixture& fixture() {
  static const PipelineFixture* const instance = make_pipeline_fixture(kConfigTemplate);
  return *instance;
}

void open_http2(ProxyContext& context, std::unique_ptr<Transport> transport,
                const SocketAddress& peer) {
  BlockPool& blocks = context.blocks();
  Http2ServerSession::open(context, std::move(transport), peer, 0, IoBuffer(blocks));
}

// relay7 sends whole frames only (nghttp2's, or the GOAWAY it writes itself), its SETTINGS
// first.
void check_frames(std::string_view received) {
  if (received.empty()) {
    return;
  }
  FUZZ_CHECK(received.size() >= 9 && received[3] == 0x4,
             "first frame: " + escaped(received.substr(0, 9)));
  size_t at = 0;
  while (at < received.size()) {
    FUZZ_CHECK(received.size() - at >= 9, "a frame header cut at " + std::to_string(at));
    const auto byte = [&](size_t i) { return static_cast<uint8_t>(received[at + i]); };
    const size_t length = (size_t{byte(0)} << 16) | (size_t{byte(1)} << 8) | byte(2);
    FUZZ_CHECK(received.size() - at - 9 >= length,
               "a frame of " + std::to_string(length) + " bytes cut at " + std::to_string(at));
    at += 9 + length;
  }
}

}  // namespace
}  // namespace relay7::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace fuzz = relay7::fuzz;
  const auto input = fuzz::split_pipeline_input(data, size);
  if (!input) {
    return 0;
  }
  std::string client(fuzz::kPreface);
  client.append(input->client);
  fuzz::check_frames(fuzz::run_pipeline(fuzz::fixture(), input->first, input->second,
                                        input->response, client, fuzz::open_http2));
  return 0;
}
