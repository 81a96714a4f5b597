// Exercises relay7-demo-backend directly (no proxy) through the test support library, which
// validates both: later proxy tests rely on the backend doing exactly what its controls say
// and on the client noticing any framing mistake.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <optional>
#include <string>
#include <vector>

#include "support/backend_json.h"
#include "support/child_process.h"
#include "support/demo_backend.h"
#include "support/fnv1a.h"
#include "support/http_connection.h"
#include "support/paths.h"
#include "support/ports.h"
#include "support/response_reader.h"
#include "support/temp_dir.h"

namespace {

using relay7::testing::ChildProcess;
using relay7::testing::demo_pattern;
using relay7::testing::DemoBackend;
using relay7::testing::echoed_header;
using relay7::testing::echoed_header_values;
using relay7::testing::fnv1a_hex;
using relay7::testing::Headers;
using relay7::testing::HttpConnection;
using relay7::testing::HttpResponse;
using relay7::testing::parse_echo;
using relay7::testing::ReadFailure;
using relay7::testing::ReadOptions;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kCloseWait{3000};

std::string binary_body(size_t length) {
  std::string body(length, '\0');
  uint32_t state = 12345;
  for (char& byte : body) {
    state = state * 1103515245 + 12345;
    byte = static_cast<char>(state >> 16);
  }
  return body;
}

long long elapsed_ms(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

class DemoBackendTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(connection_.connect(backend_.port())) << error(); }

  std::string error() const { return connection_.last_error(); }

  // Sends one request on the shared connection and returns the final response.
  HttpResponse exchange(std::string_view method, std::string_view target,
                        const Headers& headers = {}, std::string_view body = "") {
    EXPECT_TRUE(connection_.send_request(method, target, headers, body)) << error();
    std::optional<HttpResponse> response = connection_.read_final_response(method == "HEAD");
    EXPECT_TRUE(response.has_value()) << error();
    return response.value_or(HttpResponse{});
  }

  DemoBackend backend_;
  HttpConnection connection_;
};

TEST_F(DemoBackendTest, EchoesTheRequestAsJson) {
  const HttpResponse response =
      exchange("GET", "/x?y=1", {{"Host", "a"}, {"X-Forwarded-For", "1.2.3.4"}});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.reason, "OK");
  EXPECT_EQ(response.header("Content-Type"), "application/json");
  EXPECT_EQ(response.header("Content-Length"), std::to_string(response.body.size()));
  const nlohmann::json echo = parse_echo(response);
  ASSERT_FALSE(echo.is_discarded()) << response.body;
  EXPECT_EQ(echo["server"], backend_.name());
  EXPECT_EQ(echo["server"], "backend-" + std::to_string(backend_.port()));
  EXPECT_EQ(echo["port"], backend_.port());
  EXPECT_EQ(echo["method"], "GET");
  EXPECT_EQ(echo["uri"], "/x?y=1");
  EXPECT_EQ(echo["version"], "1.1");
  EXPECT_EQ(echo["headers"],
            nlohmann::json::parse(R"([["Host","a"],["X-Forwarded-For","1.2.3.4"]])"));
  EXPECT_EQ(echo["body_length"], 0);
  EXPECT_EQ(echo["body_fnv1a"], fnv1a_hex(""));
}

TEST(DemoBackendStartup, ReportsTheConfiguredName) {
  DemoBackend backend(0, "alpha");
  const HttpResponse response = relay7::testing::http_get(backend.port(), "/");
  ASSERT_EQ(response.status, 200) << response.reason;
  EXPECT_EQ(parse_echo(response)["server"], "alpha");
}

TEST(DemoBackendStartup, ListensOnTheRequestedPort) {
  const uint16_t port = relay7::testing::free_port();
  DemoBackend backend(port);
  EXPECT_EQ(backend.port(), port);
  EXPECT_TRUE(relay7::testing::wait_for_port(port, milliseconds(1000)));
}

TEST_F(DemoBackendTest, EscapesHeaderBytesIntoValidJson) {
  const std::string value = "q\"b\\s\tx\xff";
  const HttpResponse response = exchange("GET", "/", {{"X-Odd", value}});
  const nlohmann::json echo = parse_echo(response);
  ASSERT_FALSE(echo.is_discarded()) << response.body;
  EXPECT_NE(response.body.find("\\u00ff"), std::string::npos) << response.body;
  // \u00ff decodes to U+00FF, which nlohmann hands back as UTF-8.
  EXPECT_EQ(echoed_header(echo, "x-odd"), "q\"b\\s\tx\xc3\xbf");
}

TEST_F(DemoBackendTest, KeepsTheConnectionAliveAcrossRequests) {
  for (const char* path : {"/one", "/two", "/three"}) {
    const HttpResponse response = exchange("GET", path);
    ASSERT_EQ(response.status, 200);
    EXPECT_FALSE(response.has_header("Connection"));
    EXPECT_EQ(parse_echo(response)["uri"], path);
  }
  EXPECT_FALSE(connection_.is_closed_by_peer(milliseconds(100)));
  EXPECT_EQ(connection_.buffered_size(), 0u);
}

TEST_F(DemoBackendTest, AnswersPipelinedRequestsInOrder) {
  // The first answer is the slowest, so answering out of order would show.
  const std::string requests = relay7::testing::format_request("GET", "/a?delay_ms=150") +
                               relay7::testing::format_request("GET", "/b") +
                               relay7::testing::format_request("GET", "/c");
  ASSERT_TRUE(connection_.send_raw(requests)) << error();
  for (const char* uri : {"/a?delay_ms=150", "/b", "/c"}) {
    const std::optional<HttpResponse> response = connection_.read_response();
    ASSERT_TRUE(response) << error();
    EXPECT_EQ(parse_echo(*response)["uri"], uri);
  }
  EXPECT_EQ(connection_.buffered_size(), 0u);
}

TEST_F(DemoBackendTest, HonoursConnectionClose) {
  const HttpResponse response = exchange("GET", "/", {{"Connection", "close"}});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("Connection"), "close");
  EXPECT_TRUE(connection_.is_closed_by_peer(kCloseWait));
  EXPECT_EQ(connection_.buffered_size(), 0u);
}

TEST_F(DemoBackendTest, ClosesHttp10ConnectionsByDefault) {
  ASSERT_TRUE(connection_.send_raw("GET /old HTTP/1.0\r\n\r\n")) << error();
  const std::optional<HttpResponse> response = connection_.read_response();
  ASSERT_TRUE(response) << error();
  EXPECT_EQ(parse_echo(*response)["version"], "1.0");
  EXPECT_EQ(response->header("Connection"), "close");
  EXPECT_TRUE(connection_.is_closed_by_peer(kCloseWait));
}

TEST_F(DemoBackendTest, KeepsHttp10AliveWhenAsked) {
  const std::string request = "GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(connection_.send_raw(request)) << error();
    const std::optional<HttpResponse> response = connection_.read_response();
    ASSERT_TRUE(response) << error();
    EXPECT_EQ(response->header("Connection"), "keep-alive");
  }
  EXPECT_FALSE(connection_.is_closed_by_peer(milliseconds(100)));
}

TEST_F(DemoBackendTest, SendsChunkedJson) {
  const HttpResponse response = exchange("GET", "/c?chunked=1");
  EXPECT_TRUE(response.chunked);
  EXPECT_EQ(response.header("Transfer-Encoding"), "chunked");
  EXPECT_FALSE(response.has_header("Content-Length"));
  EXPECT_EQ(parse_echo(response)["uri"], "/c?chunked=1");
  // The connection stays usable, so the chunked framing ended exactly.
  EXPECT_EQ(exchange("GET", "/next").status, 200);
}

TEST_F(DemoBackendTest, DownloadsAGeneratedBody) {
  constexpr size_t kLength = 5 * 1024 * 1024;
  const HttpResponse response = exchange("GET", "/big?bytes=" + std::to_string(kLength));
  EXPECT_EQ(response.header("Content-Type"), "application/octet-stream");
  EXPECT_EQ(response.header("Content-Length"), std::to_string(kLength));
  ASSERT_EQ(response.body.size(), kLength);
  EXPECT_TRUE(response.body == demo_pattern(kLength));
  EXPECT_EQ(exchange("GET", "/next").status, 200);
}

TEST_F(DemoBackendTest, DownloadsAGeneratedBodyChunked) {
  constexpr size_t kLength = 5 * 1024 * 1024 + 7;
  const HttpResponse response = exchange("GET", "/big?chunked=1&bytes=" + std::to_string(kLength));
  EXPECT_TRUE(response.chunked);
  ASSERT_EQ(response.body.size(), kLength);
  EXPECT_TRUE(response.body == demo_pattern(kLength));
  EXPECT_EQ(exchange("GET", "/next").status, 200);
}

TEST_F(DemoBackendTest, StreamsAHugeBodyWithoutTheClientKeepingIt) {
  constexpr size_t kLength = 256 * 1024 * 1024;
  ASSERT_TRUE(connection_.send_request("GET", "/huge?bytes=" + std::to_string(kLength)));
  ReadOptions options;
  options.discard_body = true;
  const std::optional<HttpResponse> response = connection_.read_response(options);
  ASSERT_TRUE(response) << error();
  EXPECT_TRUE(response->body.empty());
  EXPECT_EQ(response->body_length, kLength);
  relay7::testing::Fnv1a expected;
  const std::string piece = demo_pattern(1024 * 1024);
  for (size_t sent = 0; sent < kLength; sent += piece.size())
    expected.update(piece);
  EXPECT_EQ(response->body_fnv1a, expected.hex());
}

TEST_F(DemoBackendTest, EndsACloseDelimitedBodyByClosing) {
  const HttpResponse response = exchange("GET", "/cd?close_delimited=1");
  EXPECT_FALSE(response.has_header("Content-Length"));
  EXPECT_FALSE(response.has_header("Transfer-Encoding"));
  EXPECT_EQ(response.header("Connection"), "close");
  EXPECT_EQ(parse_echo(response)["uri"], "/cd?close_delimited=1");
  EXPECT_TRUE(connection_.is_closed_by_peer(milliseconds(0)));
}

TEST_F(DemoBackendTest, StreamsACloseDelimitedGeneratedBody) {
  const HttpResponse response = exchange("GET", "/cd?close_delimited=1&bytes=100000");
  EXPECT_TRUE(response.body == demo_pattern(100000));
}

TEST_F(DemoBackendTest, DelaysTheAnswer) {
  const auto start = Clock::now();
  EXPECT_EQ(exchange("GET", "/slow?delay_ms=200").status, 200);
  EXPECT_GE(elapsed_ms(start), 200);
}

TEST_F(DemoBackendTest, ServesOtherConnectionsDuringADelay) {
  ASSERT_TRUE(connection_.send_request("GET", "/slow?delay_ms=3000"));
  const auto start = Clock::now();
  const HttpResponse other = relay7::testing::http_get(backend_.port(), "/fast");
  EXPECT_EQ(other.status, 200) << other.reason;
  EXPECT_LT(elapsed_ms(start), 2000);
  EXPECT_EQ(connection_.buffered_size(), 0u);
}

TEST_F(DemoBackendTest, UsesTheRequestedStatus) {
  HttpResponse response = exchange("GET", "/?status=404");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.reason, "Not Found");
  EXPECT_EQ(parse_echo(response)["uri"], "/?status=404");
  response = exchange("GET", "/?status=503");
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.reason, "Service Unavailable");
  response = exchange("GET", "/?status=204");
  EXPECT_EQ(response.status, 204);
  EXPECT_FALSE(response.has_header("Content-Length"));
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ(exchange("GET", "/after-204").status, 200);
}

TEST_F(DemoBackendTest, RejectsAMalformedControl) {
  const HttpResponse response = exchange("GET", "/?status=abc");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.header("Connection"), "close");
  EXPECT_NE(response.body.find("status=abc"), std::string::npos);
}

TEST_F(DemoBackendTest, AddsRequestedResponseHeaders) {
  const HttpResponse response =
      exchange("GET", "/?header=X-Test:hello%20world&header=X-Other:%3Ca%2Cb%3E&header=X-Test:2");
  EXPECT_EQ(response.header_values("X-Test"), (std::vector<std::string>{"hello world", "2"}));
  EXPECT_EQ(response.header("x-other"), "<a,b>");
}

TEST_F(DemoBackendTest, HashesAContentLengthUpload) {
  const std::string body = binary_body(3 * 1024 * 1024 + 11);
  const HttpResponse response = exchange("POST", "/upload", {}, body);
  const nlohmann::json echo = parse_echo(response);
  EXPECT_EQ(echo["method"], "POST");
  EXPECT_EQ(echo["body_length"], body.size());
  EXPECT_EQ(echo["body_fnv1a"], fnv1a_hex(body));
  EXPECT_EQ(echoed_header(echo, "Content-Length"), std::to_string(body.size()));
}

TEST_F(DemoBackendTest, HashesAChunkedUpload) {
  const std::string body = binary_body(200000);
  const HttpResponse response = exchange("PUT", "/upload", {{"Transfer-Encoding", "chunked"}},
                                         relay7::testing::chunked_body(body, 1000));
  const nlohmann::json echo = parse_echo(response);
  EXPECT_EQ(echo["method"], "PUT");
  EXPECT_EQ(echo["body_length"], body.size());
  EXPECT_EQ(echo["body_fnv1a"], fnv1a_hex(body));
}

TEST_F(DemoBackendTest, ReadsARateLimitedBodySlowly) {
  const std::string body = binary_body(50000);
  const auto start = Clock::now();
  const HttpResponse response = exchange("POST", "/slow-upload?body_rate=100000", {}, body);
  // 50000 bytes at 100000 B/s cannot take much less than half a second.
  EXPECT_GE(elapsed_ms(start), 350);
  EXPECT_EQ(parse_echo(response)["body_fnv1a"], fnv1a_hex(body));
}

TEST_F(DemoBackendTest, SendsContinueBeforeReadingTheBody) {
  const std::string body = "expected body";
  ASSERT_TRUE(
      connection_.send_raw("POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                           "Content-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n"));
  const std::optional<HttpResponse> interim = connection_.read_response();
  ASSERT_TRUE(interim) << error();
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(connection_.send_raw(body));
  const std::optional<HttpResponse> response = connection_.read_response();
  ASSERT_TRUE(response) << error();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(parse_echo(*response)["body_fnv1a"], fnv1a_hex(body));
}

TEST_F(DemoBackendTest, EchoesBytesAfterAnUpgrade) {
  ASSERT_TRUE(connection_.send_raw(
      "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nearly"));
  const std::optional<HttpResponse> response = connection_.read_response();
  ASSERT_TRUE(response) << error();
  EXPECT_EQ(response->status, 101);
  EXPECT_EQ(response->header("Upgrade"), "websocket");
  EXPECT_EQ(response->header("Connection"), "Upgrade");
  EXPECT_EQ(connection_.read_exactly(5), "early");
  const std::string payload = binary_body(300000);
  ASSERT_TRUE(connection_.send_raw(payload));
  EXPECT_TRUE(connection_.read_exactly(payload.size()) == payload);
  ASSERT_TRUE(connection_.shutdown_write());
  EXPECT_TRUE(connection_.is_closed_by_peer(kCloseWait));
  EXPECT_EQ(connection_.buffered_size(), 0u);
}

TEST_F(DemoBackendTest, RefusesAnUpgradeWhenAStatusIsGiven) {
  const HttpResponse response =
      exchange("GET", "/ws?status=426", {{"Upgrade", "websocket"}, {"Connection", "Upgrade"}});
  EXPECT_EQ(response.status, 426);
  EXPECT_EQ(response.header("Connection"), "close");
  EXPECT_TRUE(connection_.is_closed_by_peer(kCloseWait));
}

TEST_F(DemoBackendTest, AnswersHeadWithoutABody) {
  const HttpResponse get = exchange("GET", "/h");
  const HttpResponse head = exchange("HEAD", "/h");
  EXPECT_EQ(head.status, 200);
  // The JSON HEAD would get differs from GET's only in saying "HEAD", one letter longer.
  EXPECT_EQ(head.header("Content-Length"), std::to_string(get.body.size() + 1));
  EXPECT_TRUE(head.body.empty());
  const HttpResponse head_bytes = exchange("HEAD", "/h?bytes=12345");
  EXPECT_EQ(head_bytes.header("Content-Length"), "12345");
  // Any stray body bytes would break this next exchange.
  EXPECT_EQ(exchange("GET", "/after-head").status, 200);
  EXPECT_EQ(connection_.buffered_size(), 0u);
}

TEST_F(DemoBackendTest, RecordsRequestUrisUntilReset) {
  EXPECT_EQ(exchange("GET", "/a").status, 200);
  EXPECT_EQ(exchange("POST", "/b?x=1", {}, "data").status, 200);
  EXPECT_EQ(backend_.requests(), (std::vector<std::string>{"/a", "/b?x=1"}));
  backend_.reset();
  EXPECT_TRUE(backend_.requests().empty());
  EXPECT_EQ(exchange("GET", "/c").status, 200);
  EXPECT_EQ(backend_.requests(), (std::vector<std::string>{"/c"}));
}

TEST_F(DemoBackendTest, SendsGarbageWhenAsked) {
  ASSERT_TRUE(connection_.send_request("GET", "/?garbage=1"));
  EXPECT_FALSE(connection_.read_response());
  EXPECT_EQ(connection_.last_failure(), ReadFailure::kMalformed) << error();
  EXPECT_TRUE(connection_.is_closed_by_peer(kCloseWait));
}

TEST_F(DemoBackendTest, DropsTheConnectionWhenAsked) {
  ASSERT_TRUE(connection_.send_request("GET", "/?drop=1"));
  EXPECT_FALSE(connection_.read_response());
  EXPECT_EQ(connection_.last_failure(), ReadFailure::kClosedBeforeResponse) << error();
}

TEST_F(DemoBackendTest, RejectsAMalformedRequestAndKeepsServing) {
  ASSERT_TRUE(connection_.send_raw("NOT A REQUEST\r\n\r\n"));
  const std::optional<HttpResponse> response = connection_.read_response();
  ASSERT_TRUE(response) << error();
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(response->header("Connection"), "close");
  EXPECT_TRUE(connection_.is_closed_by_peer(kCloseWait));
  EXPECT_EQ(relay7::testing::http_get(backend_.port(), "/still-alive").status, 200);
}

TEST_F(DemoBackendTest, RejectsATruncatedRequest) {
  ASSERT_TRUE(connection_.send_raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"));
  ASSERT_TRUE(connection_.shutdown_write());
  const std::optional<HttpResponse> response = connection_.read_response();
  ASSERT_TRUE(response) << error();
  EXPECT_EQ(response->status, 400);
}

TEST_F(DemoBackendTest, AcceptsClientsFromOtherLoopbackAddresses) {
  const HttpResponse response =
      relay7::testing::http_get(backend_.port(), "/from", {}, "127.0.0.3");
  EXPECT_EQ(response.status, 200) << response.reason;
}

TEST(DemoBackendProcess, ExitsCleanlyOnSigtermAndSigint) {
  for (int signal_number : {SIGTERM, SIGINT}) {
    DemoBackend backend;
    ASSERT_TRUE(backend.process().send_signal(signal_number));
    const std::optional<int> status = backend.process().wait_exit(milliseconds(5000));
    ASSERT_TRUE(status);
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << relay7::testing::describe_wait_status(*status);
  }
}

TEST(DemoBackendProcess, ReportsUsageErrors) {
  ChildProcess process({relay7::testing::demo_backend_binary(), "--bogus"});
  const std::optional<int> status = process.wait_exit(milliseconds(5000));
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 2)
      << relay7::testing::describe_wait_status(*status);
  EXPECT_NE(process.stderr_text().find("unknown argument: --bogus"), std::string::npos)
      << process.stderr_text();
}

TEST(DemoBackendProcess, FailsWhenThePortIsTaken) {
  DemoBackend first;
  EXPECT_THROW(DemoBackend second(first.port()), std::runtime_error);
}

TEST(ChildProcessTest, ThrowsWhenTheProgramCannotRun) {
  EXPECT_THROW(ChildProcess({"/nonexistent/program"}), std::runtime_error);
}

TEST(ChildProcessTest, KillsAChildThatIgnoresSigterm) {
  ChildProcess process({"/bin/sh", "-c", "trap '' TERM; echo armed; while :; do sleep 1; done"});
  ASSERT_TRUE(process.wait_for_stdout("armed", milliseconds(5000)));
  const int status = process.stop(milliseconds(200));
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << relay7::testing::describe_wait_status(status);
  EXPECT_FALSE(process.running());
}

TEST(TempDirTest, RemovesItsContents) {
  std::filesystem::path path;
  {
    relay7::testing::TempDir dir;
    path = dir.path();
    relay7::testing::write_file(dir.file("a.txt"), "hello");
    EXPECT_EQ(relay7::testing::read_file(dir.file("a.txt")), "hello");
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(PortsTest, WaitForPortTimesOutWhenNothingListens) {
  const uint16_t port = relay7::testing::free_port();
  EXPECT_GT(port, 10000);
  EXPECT_FALSE(relay7::testing::wait_for_port(port, milliseconds(50)));
}

// The client's parser, fed crafted bytes from a stream already at its end: it must catch the
// framing errors that proxy tests rely on it to catch.
class ResponseReaderTest : public ::testing::Test {
 protected:
  std::optional<HttpResponse> read(std::string_view bytes, ReadOptions options = {}) {
    buffer_.append(bytes);
    relay7::testing::ResponseReader reader(buffer_,
                                           [] { return relay7::testing::FillResult::kEof; });
    std::optional<HttpResponse> response = reader.read(options);
    failure_ = reader.failure();
    error_ = reader.error();
    return response;
  }

  relay7::testing::InputBuffer buffer_;
  ReadFailure failure_ = ReadFailure::kNone;
  std::string error_;
};

TEST_F(ResponseReaderTest, LeavesBytesBeyondContentLengthForTheNextRead) {
  const auto response = read("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcde");
  ASSERT_TRUE(response) << error_;
  EXPECT_EQ(response->body, "abc");
  EXPECT_EQ(buffer_.view(), "de");
  EXPECT_FALSE(read(""));
  EXPECT_EQ(failure_, ReadFailure::kClosedMidResponse);
}

TEST_F(ResponseReaderTest, ReportsATruncatedBody) {
  EXPECT_FALSE(read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
  EXPECT_EQ(failure_, ReadFailure::kClosedMidResponse);
  EXPECT_NE(error_.find("3 of 10"), std::string::npos) << error_;
}

TEST_F(ResponseReaderTest, RejectsAmbiguousFraming) {
  EXPECT_FALSE(read("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"));
  EXPECT_EQ(failure_, ReadFailure::kMalformed);
  buffer_ = {};
  EXPECT_FALSE(read("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\na"));
  EXPECT_EQ(failure_, ReadFailure::kMalformed);
  buffer_ = {};
  EXPECT_FALSE(read("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n"));
  EXPECT_EQ(failure_, ReadFailure::kMalformed);
  buffer_ = {};
  EXPECT_FALSE(read("HTTP/1.1 200 OK\r\nX: a\r\n  folded\r\n\r\n"));
  EXPECT_EQ(failure_, ReadFailure::kMalformed);
}

TEST_F(ResponseReaderTest, DechunksAndKeepsTrailers) {
  const auto response = read(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Sum: 5\r\n\r\n");
  ASSERT_TRUE(response) << error_;
  EXPECT_TRUE(response->chunked);
  EXPECT_EQ(response->body, "abcde");
  EXPECT_EQ(response->body_fnv1a, fnv1a_hex("abcde"));
  ASSERT_EQ(response->trailers.size(), 1u);
  EXPECT_EQ(response->trailers[0].second, "5");
  EXPECT_TRUE(buffer_.empty());
}

TEST_F(ResponseReaderTest, RejectsChunkDataOfTheWrongSize) {
  EXPECT_FALSE(read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n"));
  EXPECT_EQ(failure_, ReadFailure::kMalformed);
}

TEST_F(ResponseReaderTest, ReadsACloseDelimitedBody) {
  const auto response = read("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end");
  ASSERT_TRUE(response) << error_;
  EXPECT_EQ(response->body, "until the end");
}

TEST_F(ResponseReaderTest, SkipsInterimResponsesOnRequest) {
  ReadOptions options;
  options.skip_interim = true;
  const auto response =
      read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", options);
  ASSERT_TRUE(response) << error_;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "ok");
}

}  // namespace
