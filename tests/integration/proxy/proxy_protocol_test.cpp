// PROXY protocol on a listen address: the client address an L4 balancer writes in the header
// becomes the connection's peer for X-Real-IP, X-Forwarded-For, real_ip and the access log; a
// connection without a valid header, or too slow to send it, is closed; TLS and the HTTP/2
// preface start after it.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "support/backend_json.h"
#include "support/demo_backend.h"
#include "support/http_connection.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"
#include "support/temp_dir.h"
#include "support/test_certificates.h"
#include "support/tls_connection.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;

const std::string kV1Header = "PROXY TCP4 198.51.100.7 127.0.0.1 40000 80\r\n";

// A v2 PROXY header for 203.0.113.9:51000 -> 127.0.0.1:80 with one ALPN TLV.
std::string v2_header() {
  const std::string signature("\r\n\r\n\0\r\nQUIT\n", 12);
  std::string block = {'\xCB', '\x00', '\x71', '\x09', '\x7F', '\x00', '\x00', '\x01', '\xC7',
                       '\x38', '\x00', '\x50', '\x01', '\x00', '\x02', 'h',    '2'};
  return signature + "\x21\x11" + std::string(1, '\0') +
         std::string(1, static_cast<char>(block.size())) + block;
}

std::string v2_local_header() {
  return std::string("\r\n\r\n\0\r\nQUIT\n", 12) + std::string("\x20\x00\x00\x00", 4);
}

// A relay7 whose only address takes PROXY protocol, logging to `logs`.
nlohmann::json proxy_protocol_config(const DemoBackend& backend, const TempDir& logs,
                                     uint16_t port) {
  nlohmann::json config = single_upstream_config({backend.port()});
  config["servers"][0]["listen"] = {
      {{"address", loopback_address(port)}, {"proxy_protocol", true}}};
  config["access_log"] = {{"path", logs.file("access.log").string()}};
  config["timeouts"] = {{"client_header", "1s"}};
  return config;
}

class ProxyProtocolTest : public ::testing::Test {
 protected:
  // The request after `header` on one connection; the echo of what the backend got.
  nlohmann::json echo_after(const std::string& header, const Headers& headers = {}) {
    HttpConnection connection;
    EXPECT_TRUE(connection.connect(relay_.port())) << connection.last_error();
    Headers all = headers;
    all.emplace_back("Connection", "close");
    EXPECT_TRUE(connection.send_raw(header + format_request("GET", "/who", all)));
    const auto response = connection.read_response();
    if (!response) {
      ADD_FAILURE() << "no response: " << connection.last_error();
      return nlohmann::json::object();
    }
    EXPECT_EQ(response->status, 200) << response->reason;
    return parse_echo(*response);
  }

  bool access_log_starts_with(const std::string& prefix) {
    return eventually([&] { return read_file(logs_.file("access.log")).starts_with(prefix); }, 5s);
  }

  TempDir logs_{"relay7-proxy-protocol"};
  DemoBackend backend_;
  Relay7Process relay_{
      [this](uint16_t port) { return proxy_protocol_config(backend_, logs_, port); }};
};

TEST_F(ProxyProtocolTest, V1SourceIsTheClientForHeadersAndTheLog) {
  const nlohmann::json echo = echo_after(kV1Header);
  EXPECT_EQ(echoed_header(echo, "X-Real-IP"), "198.51.100.7");
  EXPECT_EQ(echoed_header(echo, "X-Forwarded-For"), "198.51.100.7");
  EXPECT_TRUE(access_log_starts_with("198.51.100.7 - - [")) << read_file(logs_.file("access.log"));
}

TEST_F(ProxyProtocolTest, V2SourceIsTheClientAndTlvsAreSkipped) {
  const nlohmann::json echo = echo_after(v2_header(), {{"X-Forwarded-For", "192.0.2.1"}});
  EXPECT_EQ(echoed_header(echo, "X-Real-IP"), "203.0.113.9");
  EXPECT_EQ(echoed_header(echo, "X-Forwarded-For"), "192.0.2.1, 203.0.113.9");
  EXPECT_TRUE(access_log_starts_with("203.0.113.9 - - [")) << read_file(logs_.file("access.log"));
}

TEST_F(ProxyProtocolTest, V2LocalKeepsTheSocketsPeer) {
  const nlohmann::json echo = echo_after(v2_local_header());
  EXPECT_EQ(echoed_header(echo, "X-Real-IP"), "127.0.0.1");
}

TEST_F(ProxyProtocolTest, ConnectionWithoutTheHeaderIsClosedUnanswered) {
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_.port())) << connection.last_error();
  ASSERT_TRUE(connection.send_raw(format_request("GET", "/who")));
  EXPECT_TRUE(connection.is_closed_by_peer(5s));
  EXPECT_EQ(connection.buffered_size(), 0u) << connection.take_buffered();
  // The refusal is reported (once per period, not per connection).
  EXPECT_TRUE(eventually(
      [&] {
        return relay_.stderr_text().find("without a valid PROXY protocol header") !=
               std::string::npos;
      },
      5s))
      << relay_.stderr_text();
}

TEST_F(ProxyProtocolTest, HeaderSplitAcrossPacketsAndRequestInTheSamePacketAsItsEnd) {
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_.port())) << connection.last_error();
  const int one = 1;
  ::setsockopt(connection.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const std::string header = v2_header();
  // Signature split, then the rest of the header glued to the start of the request.
  ASSERT_TRUE(connection.send_raw(header.substr(0, 5)));
  std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(connection.send_raw(header.substr(5, 14)));
  std::this_thread::sleep_for(50ms);
  const std::string request = format_request("GET", "/who", {{"Connection", "close"}});
  ASSERT_TRUE(connection.send_raw(header.substr(19) + request.substr(0, 7)));
  std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(connection.send_raw(request.substr(7)));
  const auto response = connection.read_response();
  ASSERT_TRUE(response) << connection.last_error();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(echoed_header(parse_echo(*response), "X-Real-IP"), "203.0.113.9");
}

TEST_F(ProxyProtocolTest, SlowHeaderIsClosedAtClientHeaderTimeout) {
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_.port())) << connection.last_error();
  const auto start = std::chrono::steady_clock::now();
  // A byte at a time, slower than the deadline allows: the deadline is for the whole header.
  bool closed = false;
  for (size_t i = 0; i < kV1Header.size() && !closed; ++i) {
    closed = !connection.send_raw(kV1Header.substr(i, 1)) || connection.is_closed_by_peer(200ms);
  }
  if (!closed) {
    closed = connection.is_closed_by_peer(5s);
  }
  EXPECT_TRUE(closed);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 900ms);
  EXPECT_LT(elapsed, 4s);
}

TEST_F(ProxyProtocolTest, TheProxySourceIsThePeerRealIpJudges) {
  nlohmann::json config = relay_.config();
  config["real_ip"] = {{"from", {"198.51.100.7"}}};
  relay_.reload_with(config);
  const auto status = wait_for_reloads(relay_, 1, 10s);
  ASSERT_TRUE(status && status->ok) << (status ? status->error : "no reload");
  // The balancer's client is itself a trusted proxy: its X-Forwarded-For names the client.
  const nlohmann::json trusted = echo_after(kV1Header, {{"X-Forwarded-For", "192.0.2.44"}});
  EXPECT_EQ(echoed_header(trusted, "X-Real-IP"), "192.0.2.44");
  // The socket's peer (127.0.0.1) is not what is judged: another PROXY source is untrusted.
  const nlohmann::json untrusted = echo_after(v2_header(), {{"X-Forwarded-For", "192.0.2.44"}});
  EXPECT_EQ(echoed_header(untrusted, "X-Real-IP"), "203.0.113.9");
}

// One HTTP/2 frame: 9-byte header, then `payload`.
std::string h2_frame(uint8_t type, uint8_t flags, uint32_t stream, const std::string& payload) {
  std::string frame;
  for (const int shift : {16, 8, 0}) {
    frame.push_back(static_cast<char>((payload.size() >> shift) & 0xFF));
  }
  frame.push_back(static_cast<char>(type));
  frame.push_back(static_cast<char>(flags));
  for (const int shift : {24, 16, 8, 0}) {
    frame.push_back(static_cast<char>((stream >> shift) & 0xFF));
  }
  return frame + payload;
}

// The body of stream 1's response, read frame by frame until its END_STREAM; nullopt when the
// connection ends first.
std::optional<std::string> h2_response_body(HttpConnection& connection) {
  constexpr uint8_t kData = 0x0;
  constexpr uint8_t kEndStream = 0x1;
  std::string pending;
  std::string body;
  for (;;) {
    while (pending.size() >= 9) {
      const size_t length = static_cast<size_t>(static_cast<uint8_t>(pending[0])) << 16 |
                            static_cast<size_t>(static_cast<uint8_t>(pending[1])) << 8 |
                            static_cast<uint8_t>(pending[2]);
      if (pending.size() < 9 + length) {
        break;
      }
      const uint8_t type = static_cast<uint8_t>(pending[3]);
      const uint8_t flags = static_cast<uint8_t>(pending[4]);
      const bool stream_one =
          pending[8] == 1 && pending[5] == 0 && pending[6] == 0 && pending[7] == 0;
      if (stream_one && type == kData) {
        body += pending.substr(9, length);
      }
      pending.erase(0, 9 + length);
      if (stream_one && (flags & kEndStream) != 0) {
        return body;
      }
    }
    const auto more = connection.read_some(5s);
    if (!more || more->empty()) {
      return std::nullopt;
    }
    pending += *more;
  }
}

// h2c: the PROXY header comes before the connection preface.
TEST(ProxyProtocolH2cTest, PrefaceFollowsTheHeader) {
  DemoBackend backend;
  Relay7Process relay([&](uint16_t port) {
    nlohmann::json config = single_upstream_config({backend.port()});
    config["servers"][0]["listen"] = {
        {{"address", loopback_address(port)}, {"proxy_protocol", true}, {"h2c", true}}};
    return config;
  });
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay.port())) << connection.last_error();
  // GET / on stream 1 in HPACK's static table (:method GET, :scheme http, :path /) and a
  // literal :authority.
  const std::string authority = "127.0.0.1";
  const std::string block =
      std::string("\x82\x86\x84\x41", 4) + static_cast<char>(authority.size()) + authority;
  constexpr uint8_t kHeaders = 0x1;
  constexpr uint8_t kSettings = 0x4;
  constexpr uint8_t kEndStreamAndHeaders = 0x5;
  ASSERT_TRUE(connection.send_raw(v2_header() + "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" +
                                  h2_frame(kSettings, 0, 0, "") +
                                  h2_frame(kHeaders, kEndStreamAndHeaders, 1, block)));
  const auto body = h2_response_body(connection);
  ASSERT_TRUE(body) << connection.last_error();
  EXPECT_EQ(echoed_header(parse_json(*body), "X-Real-IP"), "203.0.113.9");
}

TEST(ProxyProtocolTlsTest, TlsHandshakeStartsAfterTheHeader) {
  TempDir dir("relay7-proxy-protocol-tls");
  const CertificateFiles shop = make_certificate(dir.path(), "shop", {"shop.example"});
  DemoBackend backend;
  Relay7Process relay([&](uint16_t port) {
    nlohmann::json config = single_upstream_config({backend.port()});
    config["servers"][0]["listen"] = {
        {{"address", loopback_address(port)}, {"proxy_protocol", true}}};
    config["servers"][0]["tls"] = {
        {"certificates", {{{"cert", shop.cert.string()}, {"key", shop.key.string()}}}}};
    return config;
  });
  for (const std::string& header : {kV1Header, v2_header()}) {
    TlsConnection connection;
    TlsClientOptions options;
    options.server_name = "shop.example";
    options.before_handshake = header;
    ASSERT_TRUE(connection.connect(relay.port(), options)) << connection.last_error();
    EXPECT_EQ(connection.peer_common_name(), "shop.example");
    ASSERT_TRUE(connection.send(
        format_request("GET", "/who", {{"Host", "shop.example"}, {"Connection", "close"}})));
    const auto response = connection.read_response();
    ASSERT_TRUE(response) << connection.last_error();
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(echoed_header(parse_echo(*response), "X-Real-IP"),
              header == kV1Header ? "198.51.100.7" : "203.0.113.9");
  }
  // A TLS client that skips the header gets no handshake.
  TlsConnection bare;
  TlsClientOptions options;
  options.server_name = "shop.example";
  EXPECT_FALSE(bare.connect(relay.port(), options));
}

}  // namespace
}  // namespace relay7::testing
