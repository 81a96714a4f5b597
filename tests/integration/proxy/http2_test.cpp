// HTTP/2 from clients to HTTP/1.1 backends: each stream is a request through the same pipeline
// as HTTP/1 (routing, blocked locations, forwarded headers, logs), bodies stream under flow
// control tied to the backend, and reloads drain HTTP/2 connections with GOAWAY without failing
// a stream. Requests are made with nghttp (Debian's nghttp2-client), tests/support/h2_client.py
// (python3-h2) and tests/support/h2_load_client (libnghttp2's client session).
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/backend_json.h"
#include "support/child_process.h"
#include "support/demo_backend.h"
#include "support/fnv1a.h"
#include "support/h2_load_client.h"
#include "support/paths.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"
#include "support/rss_sampler.h"
#include "support/tcp_sockets.h"
#include "support/temp_dir.h"
#include "support/test_certificates.h"
#include "support/tls_connection.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;

constexpr uint64_t kMiB = 1024 * 1024;
#ifdef __SANITIZE_ADDRESS__
constexpr uint64_t kMemoryLimit = 192 * kMiB;  // shadow memory and quarantine (see Makefile)
#else
constexpr uint64_t kMemoryLimit = 64 * kMiB;
#endif

// Python with Debian's python3-h2, whatever python3 comes first in PATH.
constexpr const char* kPython = "/usr/bin/python3";
constexpr const char* kNghttp = "/usr/bin/nghttp";

struct CommandResult {
  int status = -1;
  std::string out;
  std::string err;
};

CommandResult run(std::vector<std::string> argv, std::chrono::milliseconds timeout = 60s) {
  ChildProcess child(std::move(argv));
  CommandResult result;
  const std::optional<int> status = child.wait_exit(timeout);
  result.status = status ? *status : -1;
  if (!status) {
    child.stop();
  }
  result.out = child.stdout_text();
  result.err = child.stderr_text();
  return result;
}

Json h2c_config(uint16_t port, const DemoBackend& backend, const std::string& access_log) {
  Json config = Json::object();
  config["workers"] = 1;
  config["shutdown_timeout"] = "10s";
  config["access_log"] = {{"path", access_log}};
  config["upstreams"]["app"]["servers"] = {"127.0.0.1:" + std::to_string(backend.port())};
  config["servers"] = Json::array(
      {{{"listen",
         Json::array({{{"address", "127.0.0.1:" + std::to_string(port)}, {"h2c", true}}})},
        {"locations", Json::array({{{"path", "/admin"}, {"return", 403}},
                                   {{"path", "/"}, {"proxy_pass", "http://app"}}})}}});
  config["servers"][0]["max_body_size"] = "0";  // the 1 GiB upload
  return config;
}

class Http2Test : public ::testing::Test {
 protected:
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(relay_.port()) + path;
  }
  std::string h2_client() const { return source_dir() + "/tests/support/h2_client.py"; }
  std::string access_log() const {
    std::ifstream in(logs_.file("access.log"));
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  TempDir logs_{"relay7-h2-logs"};
  DemoBackend backend_{0, "b"};
  Relay7Process relay_{[this](uint16_t port) {
    return h2c_config(port, backend_, logs_.file("access.log").string());
  }};
};

TEST_F(Http2Test, AStreamIsARequestWithHostFromAuthorityAndCookiesJoined) {
  const CommandResult result = run({kNghttp, "-H", "cookie: a=1", "-H", "cookie: b=2", "-H",
                                    "x-trace: t1", url("/orders?id=7")});
  ASSERT_EQ(result.status, 0) << result.err;
  const Json echo = Json::parse(result.out);
  EXPECT_EQ(echo["uri"], "/orders?id=7");
  EXPECT_EQ(echo["version"], "1.1");  // upstreams stay HTTP/1.1
  EXPECT_EQ(echoed_header(echo, "Host"), "127.0.0.1:" + std::to_string(relay_.port()));
  EXPECT_EQ(echoed_header(echo, "cookie"), "a=1; b=2");
  EXPECT_EQ(echoed_header(echo, "x-trace"), "t1");
  EXPECT_EQ(echoed_header(echo, "X-Forwarded-Proto"), "http");
  EXPECT_TRUE(eventually(
      [&] { return access_log().find("\"GET /orders?id=7 HTTP/2.0\" 200") != std::string::npos; },
      5s))
      << access_log();
}

TEST_F(Http2Test, BlockedLocationsStayBlockedWhateverTheEncoding) {
  for (const std::string path : {"/admin", "/admin/users", "/%61dmin", "//admin", "/x/../admin"}) {
    const CommandResult result = run({kNghttp, "-v", url(path)});
    EXPECT_NE(result.out.find(":status: 403"), std::string::npos) << path << "\n" << result.out;
  }
  EXPECT_EQ(backend_.requests().size(), 0u);
}

TEST_F(Http2Test, HeadAnd204And304AnswersCarryNoData) {
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"HEAD", "/page"}, {"GET", "/none?status=204"}, {"GET", "/cached?status=304"}}) {
    const CommandResult result = run({kNghttp, "-v", "-H", ":method: " + method, url(path)});
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.out.find("recv HEADERS frame"), std::string::npos) << result.out;
    EXPECT_EQ(result.out.find("recv DATA frame"), std::string::npos)
        << method << " " << path << "\n"
        << result.out;
  }
}

TEST_F(Http2Test, TrailersOfAChunkedBackendArriveAsAFinalHeadersFrame) {
  const CommandResult result = run({kNghttp, "-v", url("/stream?chunked=1&trailer=Grpc-Status:0")});
  ASSERT_EQ(result.status, 0) << result.err;
  const size_t data = result.out.find("recv DATA frame");
  const size_t trailer = result.out.find("grpc-status: 0");
  ASSERT_NE(data, std::string::npos) << result.out;
  ASSERT_NE(trailer, std::string::npos) << result.out;
  EXPECT_LT(data, trailer);
  EXPECT_EQ(result.out.find("transfer-encoding"), std::string::npos);
}

// Stream after stream on one HTTP/2 connection: the upstream side learns each request is whole
// (no body, END_STREAM on its HEADERS), so one pooled backend connection carries them all.
TEST_F(Http2Test, SequentialStreamsReuseOneBackendConnection) {
  std::set<uint16_t> local_ports;
  std::atomic<bool> stop{false};
  H2LoadResult result;
  std::thread load([&] {
    result = run_h2_load({.port = relay_.port(),
                          .connections = 1,
                          .streams = 1,
                          .duration = std::chrono::milliseconds(1500),
                          .stop = &stop});
  });
  ASSERT_TRUE(eventually([&] { return backend_.requests().size() > 20; }, 10s));
  for (int sample = 0; sample < 20; ++sample) {
    for (const TcpSocket& socket : tcp_sockets_of(relay_.all_pids())) {
      if (socket.established() && socket.remote_port == backend_.port()) {
        local_ports.insert(socket.local_port);
      }
    }
    std::this_thread::sleep_for(20ms);
  }
  stop = true;
  load.join();
  EXPECT_EQ(result.failed, 0u) << ::testing::PrintToString(result.failure_messages);
  EXPECT_GT(result.completed, 50u);
  EXPECT_EQ(local_ports.size(), 1u) << "backend connections seen: " << local_ports.size() << " for "
                                    << result.completed << " streams";
}

// RFC 8441: an extended CONNECT for WebSocket goes to the backend as an HTTP/1.1 upgrade, its
// 101 comes back as 200, and the stream carries the bytes both ways until each side ends.
TEST_F(Http2Test, WebSocketOverHttp2TunnelsToTheBackendAndStaysBlockable) {
  const CommandResult accepted = run({kPython, h2_client(), "websocket", "--port",
                                      std::to_string(relay_.port()), "--path", "/chat"});
  ASSERT_EQ(accepted.status, 0) << accepted.err;
  const Json outcome = Json::parse(accepted.out);
  EXPECT_EQ(outcome["enable_connect_protocol"], 1) << outcome;
  EXPECT_EQ(outcome["status"], 200) << outcome;
  EXPECT_EQ(outcome["echoed"], "hello over h2") << outcome;
  EXPECT_EQ(outcome["ended"], true) << outcome;

  const CommandResult blocked = run({kPython, h2_client(), "websocket", "--port",
                                     std::to_string(relay_.port()), "--path", "/admin/socket"});
  ASSERT_EQ(blocked.status, 0) << blocked.err;
  EXPECT_EQ(Json::parse(blocked.out)["status"], 403) << blocked.out;
  EXPECT_EQ(backend_.requests(), std::vector<std::string>{"/chat"});
}

// Expect: 100-continue over HTTP/2: the 100 comes as an interim HEADERS frame, and only then
// does the client send its body.
TEST_F(Http2Test, ExpectContinueGetsAnInterimHundredBeforeTheBody) {
  const CommandResult result =
      run({kPython, h2_client(), "upload", "--port", std::to_string(relay_.port()), "--path",
           "/expect", "--bytes", "300000", "--expect"});
  ASSERT_EQ(result.status, 0) << result.err;
  const Json outcome = Json::parse(result.out);
  ASSERT_FALSE(outcome.contains("error")) << outcome;
  EXPECT_EQ(outcome["informational"], Json::array({100})) << outcome;
  EXPECT_EQ(outcome["status"], 200) << outcome;
  EXPECT_EQ(Json::parse(outcome["body"].get<std::string>())["body_length"], 300000) << outcome;
}

// The body h2_client.py uploads: bytes 0..255 repeated.
std::string expected_pattern_digest(uint64_t length) {
  std::string piece;
  for (int i = 0; i < 64 * 256; ++i) {
    piece.push_back(static_cast<char>(i % 256));
  }
  Fnv1a digest;
  for (uint64_t done = 0; done < length; done += piece.size()) {
    digest.update(
        std::string_view(piece).substr(0, std::min<uint64_t>(piece.size(), length - done)));
  }
  return digest.hex();
}

// 1 GiB into a backend that reads at 100 MB/s: relay7 gives the client window back only as the
// backend takes the body, so its memory stays bounded however fast the client could send.
TEST_F(Http2Test, AGibibyteUploadRunsInBoundedMemory) {
  constexpr uint64_t kLength = 1024 * kMiB;
  RssSampler sampler([this] { return relay_.all_pids(); });
  const CommandResult result =
      run({kPython, h2_client(), "upload", "--port", std::to_string(relay_.port()), "--path",
           "/gib?body_rate=100000000", "--bytes", std::to_string(kLength)},
          180s);
  sampler.stop();
  ASSERT_EQ(result.status, 0) << result.err;
  const Json outcome = Json::parse(result.out);
  ASSERT_FALSE(outcome.contains("error")) << outcome;
  ASSERT_EQ(outcome["status"], 200) << outcome;
  const Json echo = Json::parse(outcome["body"].get<std::string>());
  EXPECT_EQ(echo["body_length"], kLength);
  EXPECT_EQ(echo["body_fnv1a"], expected_pattern_digest(kLength));
  EXPECT_GT(sampler.samples(), 100u);
  EXPECT_LT(sampler.max_process_bytes(), kMemoryLimit)
      << "peak VmRSS " << sampler.max_process_bytes() / kMiB << " MiB";
  std::printf("1 GiB HTTP/2 upload: %s s, peak VmRSS %llu KiB\n", outcome["seconds"].dump().c_str(),
              static_cast<unsigned long long>(sampler.max_process_bytes() / 1024));
}

// A stream whose backend reads 20 kB/s holds only its own window: a GET on the same connection
// is answered while that upload is still going.
TEST_F(Http2Test, ASlowStreamDoesNotStallTheOthers) {
  const CommandResult result = run(
      {kPython, h2_client(), "beside", "--port", std::to_string(relay_.port()), "--slow-path",
       "/slow?body_rate=20000", "--slow-bytes", std::to_string(8 * kMiB), "--fast-path", "/fast"},
      90s);
  ASSERT_EQ(result.status, 0) << result.err;
  const Json outcome = Json::parse(result.out);
  ASSERT_FALSE(outcome.contains("error")) << outcome;
  EXPECT_EQ(outcome["fast_status"], 200) << outcome;
  EXPECT_FALSE(outcome["slow_done"]) << outcome;
  // The slow stream had filled its window, and the connection's, before the GET: more than one
  // stream window went out, far less than the body.
  EXPECT_GT(outcome["slow_sent"].get<uint64_t>(), 65535u) << outcome;
  EXPECT_LT(outcome["slow_sent"].get<uint64_t>(), 8 * kMiB) << outcome;
}

// Reloads drain HTTP/2 connections: a GOAWAY announces the end, a second names the last stream
// taken, the streams in flight finish. A client that reopens its connection (and sends again
// only what a GOAWAY said was not processed) loses nothing.
TEST_F(Http2Test, TwentyReloadsUnderHttp2LoadFailNoStream) {
  ASSERT_TRUE(wait_for_reloads(relay_, 0, 10s)) << relay_.stderr_text();
  std::atomic<bool> stop{false};
  H2LoadResult result;
  std::thread load([&] {
    result = run_h2_load({.port = relay_.port(),
                          .connections = 4,
                          .streams = 10,
                          .duration = std::chrono::milliseconds(120000),
                          .stop = &stop});
  });
  const uint64_t before = backend_.requests().size();
  ASSERT_TRUE(eventually([&] { return backend_.requests().size() > before + 100; }, 10s));
  for (int reload = 1; reload <= 20; ++reload) {
    relay_.reload_with(relay_.config());
    const auto status = wait_for_reloads(relay_, static_cast<uint64_t>(reload), 15s);
    ASSERT_TRUE(status && status->ok) << "reload " << reload << "\n" << relay_.stderr_text();
    const uint64_t served = backend_.requests().size();
    ASSERT_TRUE(eventually([&] { return backend_.requests().size() > served + 50; }, 10s))
        << "no requests after reload " << reload;
  }
  stop = true;
  load.join();
  EXPECT_EQ(result.failed, 0u) << ::testing::PrintToString(result.failure_messages);
  EXPECT_GT(result.completed, 1000u);
  EXPECT_GE(result.goaways, 20u);  // each connection of each drained worker was told
  EXPECT_GT(result.connections, 4u);
  std::printf(
      "HTTP/2 under 20 reloads: %llu streams completed, %llu retried, %llu GOAWAYs, %llu "
      "connections\n",
      static_cast<unsigned long long>(result.completed),
      static_cast<unsigned long long>(result.retried),
      static_cast<unsigned long long>(result.goaways),
      static_cast<unsigned long long>(result.connections));
}

// A request without a body is whole once its HEADERS end the stream: the backend's silence is
// then bounded by upstream_read, as for HTTP/1.
TEST(Http2TimeoutTest, ABackendThatDoesNotAnswerGets504) {
  TempDir logs("relay7-h2-timeout");
  DemoBackend backend(0, "b");
  Relay7Process relay([&](uint16_t port) {
    Json config = h2c_config(port, backend, logs.file("access.log").string());
    config["timeouts"] = {{"upstream_read", "300ms"}};
    return config;
  });
  const auto started = std::chrono::steady_clock::now();
  const CommandResult result = run(
      {kNghttp, "-v", "http://127.0.0.1:" + std::to_string(relay.port()) + "/slow?delay_ms=5000"});
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_NE(result.out.find(":status: 504"), std::string::npos) << result.out;
  EXPECT_LT(took, 4s);
}

// A request body that stops coming is bounded by client_body, per stream, as for HTTP/1.
TEST(Http2TimeoutTest, AStalledRequestBodyGets408) {
  TempDir logs("relay7-h2-body-timeout");
  DemoBackend backend(0, "b");
  Relay7Process relay([&](uint16_t port) {
    Json config = h2c_config(port, backend, logs.file("access.log").string());
    config["timeouts"] = {{"client_body", "300ms"}};
    return config;
  });
  const CommandResult result =
      run({kPython, source_dir() + "/tests/support/h2_client.py", "stall", "--port",
           std::to_string(relay.port()), "--path", "/upload", "--bytes", "1000"});
  ASSERT_EQ(result.status, 0) << result.err;
  const Json outcome = Json::parse(result.out);
  ASSERT_FALSE(outcome.contains("error")) << outcome;
  EXPECT_EQ(outcome["status"], 408) << outcome;
  EXPECT_LT(outcome["seconds"].get<double>(), 5.0) << outcome;
  EXPECT_TRUE(eventually(
      [&] {
        return relay.stderr_text().find("timed out sending an HTTP/2 request body") !=
               std::string::npos;
      },
      5s))
      << relay.stderr_text();
}

// SNI picks the block before ALPN is answered: one address, one block with HTTP/2 and one
// without.
TEST(Http2TlsTest, AlpnFollowsTheBlockSniPicked) {
  TempDir dir("relay7-h2-tls");
  const CertificateFiles h2 = make_certificate(dir.path(), "h2", {"h2.example"});
  const CertificateFiles h1 = make_certificate(dir.path(), "h1", {"h1.example"});
  DemoBackend backend(0, "b");
  Relay7Process relay([&](uint16_t port) {
    const std::string address = "127.0.0.1:" + std::to_string(port);
    const Json locations = Json::array(
        {{{"path", "/"}, {"proxy_pass", "http://127.0.0.1:" + std::to_string(backend.port())}}});
    Json config = Json::object();
    config["workers"] = 1;
    config["servers"] = Json::array(
        {{{"listen", {address}},
          {"server_names", {"h2.example"}},
          {"tls", {{"certificates", {{{"cert", h2.cert.string()}, {"key", h2.key.string()}}}}}},
          {"locations", locations}},
         {{"listen", {address}},
          {"server_names", {"h1.example"}},
          {"http2", false},
          {"tls", {{"certificates", {{{"cert", h1.cert.string()}, {"key", h1.key.string()}}}}}},
          {"locations", locations}}});
    return config;
  });
  TlsClientOptions options;
  options.alpn = {"h2", "http/1.1"};
  options.server_name = "h2.example";
  TlsConnection with_h2;
  ASSERT_TRUE(with_h2.connect(relay.port(), options)) << with_h2.last_error();
  EXPECT_EQ(with_h2.alpn(), "h2");
  options.server_name = "h1.example";
  TlsConnection without;
  ASSERT_TRUE(without.connect(relay.port(), options)) << without.last_error();
  EXPECT_EQ(without.alpn(), "http/1.1");

  // And a real HTTP/2 exchange over TLS.
  const CommandResult result =
      run({kNghttp, "-v", "https://127.0.0.1:" + std::to_string(relay.port()) + "/secure"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find(":status: 200"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("\"X-Forwarded-Proto\",\"https\""), std::string::npos) << result.out;
}

}  // namespace
}  // namespace relay7::testing
