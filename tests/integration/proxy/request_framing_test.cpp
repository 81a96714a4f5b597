// Request smuggling defences: every head relay7 cannot frame in exactly one way is refused with
// the right status, the connection is closed after it, and no backend ever sees the request.
#include <gtest/gtest.h>

#include "support/demo_backend.h"
#include "support/http_connection.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;

struct RawCase {
  const char* name;
  std::string bytes;
  int status;
};

const std::string kHost = "Host: test\r\n";

std::vector<RawCase> refused_heads() {
  return {
      {"ContentLengthAndChunked",
       "POST / HTTP/1.1\r\n" + kHost +
           "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       400},
      {"TwoContentLengths",
       "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400},
      {"TwoEqualContentLengths",
       "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400},
      {"ContentLengthList", "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 3, 3\r\n\r\nabc", 400},
      {"SignedContentLength", "POST / HTTP/1.1\r\n" + kHost + "Content-Length: +3\r\n\r\nabc", 400},
      {"ContentLengthOverflow",
       "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 99999999999999999999999\r\n\r\nabc", 400},
      {"TransferEncodingGzip", "POST / HTTP/1.1\r\n" + kHost + "Transfer-Encoding: gzip\r\n\r\nabc",
       400},
      {"ChunkedNotLast",
       "POST / HTTP/1.1\r\n" + kHost + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", 400},
      {"GzipThenChunked",
       "POST / HTTP/1.1\r\n" + kHost + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 400},
      {"LookalikeCoding",
       "POST / HTTP/1.1\r\n" + kHost + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 400},
      {"TwoTransferEncodings",
       "POST / HTTP/1.1\r\n" + kHost +
           "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       400},
      {"ObsFold", "GET / HTTP/1.1\r\n" + kHost + "X-A: a\r\n b\r\n\r\n", 400},
      {"SpaceBeforeColon", "GET / HTTP/1.1\r\n" + kHost + "X-A : a\r\n\r\n", 400},
      {"SpaceBeforeColonOnContentLength",
       "POST / HTTP/1.1\r\n" + kHost + "Content-Length : 3\r\n\r\nabc", 400},
      {"NulInValue", "GET / HTTP/1.1\r\n" + kHost + std::string("X-A: a\0b\r\n\r\n", 12), 400},
      {"BareCrInValue", "GET / HTTP/1.1\r\n" + kHost + "X-A: a\rb\r\n\r\n", 400},
      // llhttp's loose mode took CR followed by any byte as CRLF (found by fuzz_request).
      {"BareCrEndsRequestLine", "GET / HTTP/1.1\rX" + kHost + "\r\n", 400},
      {"BareCrEndsHead", "GET / HTTP/1.1\r\n" + kHost + "\rX", 400},
      {"InvalidNameCharacter", "GET / HTTP/1.1\r\n" + kHost + "X(A): a\r\n\r\n", 400},
      {"NoHostInHttp11", "GET / HTTP/1.1\r\n\r\n", 400},
      {"TwoHosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      // llhttp ends a CONNECT at its head: its "body" would be the next request (fuzz_request).
      {"ConnectWithABody", "CONNECT /x HTTP/1.1\r\n" + kHost + "Content-Length: 5\r\n\r\nhello",
       501},
      {"Http2Version", "GET / HTTP/2.0\r\n" + kHost + "\r\n", 505},
      {"Http12Version", "GET / HTTP/1.2\r\n" + kHost + "\r\n", 505},
      {"InvalidEscape", "GET /a%zz HTTP/1.1\r\n" + kHost + "\r\n", 400},
      {"ClimbsAboveRoot", "GET /../etc/passwd HTTP/1.1\r\n" + kHost + "\r\n", 400},
      {"LongTarget", "GET /" + std::string(20000, 'a') + " HTTP/1.1\r\n" + kHost + "\r\n", 414},
      {"TooManyHeaders",
       [] {
         std::string head = "GET / HTTP/1.1\r\n" + kHost;
         for (int i = 0; i < 500; ++i)
           head += "X-" + std::to_string(i) + ": a\r\n";
         return head + "\r\n";
       }(),
       431},
      {"HugeHeader", "GET / HTTP/1.1\r\n" + kHost + "X-A: " + std::string(70000, 'a') + "\r\n\r\n",
       431},
  };
}

class RequestFramingTest : public ::testing::TestWithParam<RawCase> {
 protected:
  static void SetUpTestSuite() {
    backend_ = std::make_unique<DemoBackend>();
    relay_ = std::make_unique<Relay7Process>(single_upstream_config({backend_->port()}));
  }
  static void TearDownTestSuite() {
    relay_.reset();
    backend_.reset();
  }

  static std::unique_ptr<DemoBackend> backend_;
  static std::unique_ptr<Relay7Process> relay_;
};

std::unique_ptr<DemoBackend> RequestFramingTest::backend_;
std::unique_ptr<Relay7Process> RequestFramingTest::relay_;

TEST_P(RequestFramingTest, IsRefusedAndNeverReachesTheBackend) {
  backend_->reset();
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_->port()));
  connection.set_timeout(5s);
  // A second, valid request right behind: it must not be read after the refusal.
  ASSERT_TRUE(
      connection.send_raw(GetParam().bytes + "GET /smuggled HTTP/1.1\r\n" + kHost + "\r\n"));
  const auto response = connection.read_response();
  ASSERT_TRUE(response) << connection.last_error();
  EXPECT_EQ(response->status, GetParam().status);
  EXPECT_TRUE(has_token(response->header("Connection"), "close"));
  EXPECT_TRUE(connection.is_closed_by_peer(3s));
  EXPECT_EQ(connection.buffered_size(), 0u) << "relay7 answered more after refusing";
  EXPECT_TRUE(backend_->requests().empty()) << ::testing::PrintToString(backend_->requests());
}

INSTANTIATE_TEST_SUITE_P(Heads, RequestFramingTest, ::testing::ValuesIn(refused_heads()),
                         [](const auto& info) { return std::string(info.param.name); });

// A broken chunked body: the head has gone upstream already (bodies stream), so the backend may
// have seen the head; it never sees a complete request, and the client gets a 400.
TEST(RequestBodyFramingTest, ABrokenChunkIsA400AndEndsTheConnection) {
  DemoBackend backend;
  Relay7Process relay(single_upstream_config({backend.port()}));
  for (const std::string& body :
       {std::string("zz\r\n"), std::string("FFFFFFFFFFFFFFFFFFFF\r\n"),
        std::string("3\r\nabcX\r\n"), std::string("5\rXhello\r\n0\r\n\r\n"),
        std::string("5\r\nhelloXX0\r\n\r\n")}) {
    HttpConnection connection;
    ASSERT_TRUE(connection.connect(relay.port()));
    connection.set_timeout(5s);
    ASSERT_TRUE(connection.send_raw("POST /upload HTTP/1.1\r\n" + kHost +
                                    "Transfer-Encoding: chunked\r\n\r\n" + body));
    const auto response = connection.read_response();
    ASSERT_TRUE(response) << connection.last_error();
    EXPECT_EQ(response->status, 400) << body;
    EXPECT_TRUE(connection.is_closed_by_peer(3s));
  }
  EXPECT_EQ(http_get(relay.port(), "/still-serving").status, 200);
}

}  // namespace
}  // namespace relay7::testing

namespace relay7::testing {
namespace {

// The same care upstream: a response relay7 cannot frame in exactly one way is a 502, and
// nothing of it leaks into the next response (the next request gets a clean answer).
TEST(UpstreamFramingTest, AnAmbiguousResponseIsA502AndLeavesNothingBehind) {
  DemoBackend backend;
  Relay7Process relay(single_upstream_config({backend.port()}));
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay.port()));
  for (const char* extra : {"Content-Length:5", "Transfer-Encoding:chunked", "Content-Length:abc",
                            "Transfer-Encoding:gzip"}) {
    ASSERT_TRUE(connection.send_request("GET", std::string("/ambiguous?bytes=10&header=") + extra));
    const auto refused = connection.read_response();
    ASSERT_TRUE(refused) << extra << ": " << connection.last_error();
    EXPECT_EQ(refused->status, 502) << extra;
    if (has_token(refused->header("Connection"), "close")) {
      ASSERT_TRUE(connection.connect(relay.port()));
    }
    ASSERT_TRUE(connection.send_request("GET", "/clean?bytes=7"));
    const auto clean = connection.read_response();
    ASSERT_TRUE(clean) << connection.last_error();
    EXPECT_EQ(clean->status, 200);
    EXPECT_EQ(clean->body, demo_pattern(7)) << "after " << extra;
  }
}

}  // namespace
}  // namespace relay7::testing
