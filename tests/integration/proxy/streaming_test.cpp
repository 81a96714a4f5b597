// Bodies through relay7 in both directions: every request framing reaches the backend intact,
// every response framing reaches the client intact (re-framed where the manual says so), and
// large bodies stream with bounded memory when the other side is slow.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/backend_json.h"
#include "support/demo_backend.h"
#include "support/fnv1a.h"
#include "support/http_connection.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"
#include "support/rss_sampler.h"

namespace {

using relay7::testing::demo_pattern;
using relay7::testing::DemoBackend;
using relay7::testing::echoed_header;
using relay7::testing::fnv1a_hex;
using relay7::testing::Headers;
using relay7::testing::HttpConnection;
using relay7::testing::HttpResponse;
using relay7::testing::parse_echo;
using relay7::testing::Relay7Process;
using relay7::testing::RssSampler;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr uint64_t kMiB = 1024 * 1024;
#ifdef __SANITIZE_ADDRESS__
// AddressSanitizer's shadow memory and its quarantine of freed blocks (quarantine_size_mb, set
// by the Makefile) add to every process; still far below the 512 MiB and 1 GiB moved through.
constexpr uint64_t kMemoryLimit = 192 * kMiB;
#else
constexpr uint64_t kMemoryLimit = 64 * kMiB;
#endif

// Bytes that are not a repetition of the demo pattern, so a body mixed up with a response
// body (or shifted by a byte) would not hash the same.
std::string binary_body(size_t length) {
  std::string body(length, '\0');
  uint32_t state = 2463534242u;
  for (char& byte : body) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    byte = static_cast<char>(state);
  }
  return body;
}

long long elapsed_ms(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

class StreamingTest : public ::testing::Test {
 protected:
  StreamingTest()
      : relay_(unlimited_bodies(relay7::testing::single_upstream_config({backend_.port()}))) {}

  // The gibibyte upload is over the default max_body_size (64m): these tests are about streaming.
  static nlohmann::json unlimited_bodies(nlohmann::json config) {
    config["servers"][0]["max_body_size"] = "0";
    return config;
  }

  void SetUp() override {
    ASSERT_TRUE(connection_.connect(relay_.port())) << connection_.last_error();
  }

  // One request on the shared keep-alive connection; the final response.
  HttpResponse exchange(std::string_view method, std::string_view target,
                        const Headers& headers = {}, std::string_view body = "") {
    EXPECT_TRUE(connection_.send_request(method, target, headers, body))
        << connection_.last_error();
    std::optional<HttpResponse> response = connection_.read_final_response(method == "HEAD");
    EXPECT_TRUE(response) << target << ": " << connection_.last_error();
    return response.value_or(HttpResponse{});
  }

  // The connection must still be usable: any stray or missing body byte would break this.
  void expect_connection_still_usable() {
    const HttpResponse next = exchange("GET", "/next");
    EXPECT_EQ(next.status, 200);
    EXPECT_EQ(parse_echo(next)["uri"], "/next");
    EXPECT_EQ(connection_.buffered_size(), 0u);
  }

  std::vector<pid_t> relay_pids() const { return relay_.all_pids(); }

  DemoBackend backend_;
  Relay7Process relay_;
  HttpConnection connection_;
};

TEST_F(StreamingTest, ForwardsAContentLengthUpload) {
  const std::string body = binary_body(3 * kMiB + 11);
  const HttpResponse response = exchange("POST", "/upload", {}, body);
  ASSERT_EQ(response.status, 200);
  const nlohmann::json echo = parse_echo(response);
  EXPECT_EQ(echo["method"], "POST");
  EXPECT_EQ(echo["body_length"], body.size());
  EXPECT_EQ(echo["body_fnv1a"], fnv1a_hex(body));
  EXPECT_EQ(echoed_header(echo, "Content-Length"), std::to_string(body.size()));
  EXPECT_EQ(echoed_header(echo, "Transfer-Encoding"), "");
  expect_connection_still_usable();
}

TEST_F(StreamingTest, ForwardsAChunkedUpload) {
  const std::string body = binary_body(kMiB + 5);
  const HttpResponse response = exchange("PUT", "/upload", {{"Transfer-Encoding", "chunked"}},
                                         relay7::testing::chunked_body(body, 1000));
  ASSERT_EQ(response.status, 200);
  const nlohmann::json echo = parse_echo(response);
  EXPECT_EQ(echo["method"], "PUT");
  EXPECT_EQ(echo["body_length"], body.size());
  EXPECT_EQ(echo["body_fnv1a"], fnv1a_hex(body));
  EXPECT_EQ(echoed_header(echo, "Transfer-Encoding"), "chunked");
  EXPECT_EQ(echoed_header(echo, "Content-Length"), "");
  expect_connection_still_usable();
}

TEST_F(StreamingTest, ForwardsAChunkedUploadWithExtensionsAndTrailers) {
  const std::string body = "hello, chunked world";
  const std::string framed =
      "5;name=value\r\nhello\r\nf\r\n, chunked world\r\n0\r\nX-Sum: 1\r\n\r\n";
  const HttpResponse response =
      exchange("POST", "/upload", {{"Transfer-Encoding", "chunked"}}, framed);
  ASSERT_EQ(response.status, 200);
  const nlohmann::json echo = parse_echo(response);
  EXPECT_EQ(echo["body_length"], body.size());
  EXPECT_EQ(echo["body_fnv1a"], fnv1a_hex(body));
  EXPECT_EQ(echo["trailers"], nlohmann::json::parse(R"([["X-Sum", "1"]])")) << echo.dump();
  EXPECT_EQ(echoed_header(echo, "X-Sum"), "") << "a trailer must not become a header";
  expect_connection_still_usable();
}

TEST_F(StreamingTest, ForwardsAnEmptyUpload) {
  const HttpResponse response = exchange("POST", "/empty", {{"Content-Length", "0"}});
  ASSERT_EQ(response.status, 200);
  const nlohmann::json echo = parse_echo(response);
  EXPECT_EQ(echo["body_length"], 0);
  EXPECT_EQ(echo["body_fnv1a"], fnv1a_hex(""));
  expect_connection_still_usable();
}

TEST_F(StreamingTest, DownloadsAContentLengthBody) {
  constexpr size_t kLength = 10 * kMiB + 3;
  const HttpResponse response = exchange("GET", "/big?bytes=" + std::to_string(kLength));
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.header("Content-Length"), std::to_string(kLength));
  EXPECT_FALSE(response.chunked);
  ASSERT_EQ(response.body.size(), kLength);
  EXPECT_TRUE(response.body == demo_pattern(kLength)) << "body differs from the demo pattern";
  expect_connection_still_usable();
}

TEST_F(StreamingTest, DownloadsAChunkedBody) {
  constexpr size_t kLength = 10 * kMiB + 7;
  const HttpResponse response =
      exchange("GET", "/big?bytes=" + std::to_string(kLength) + "&chunked=1");
  ASSERT_EQ(response.status, 200);
  EXPECT_TRUE(response.chunked);
  EXPECT_FALSE(response.has_header("Content-Length"));
  ASSERT_EQ(response.body.size(), kLength);
  EXPECT_TRUE(response.body == demo_pattern(kLength)) << "body differs from the demo pattern";
  expect_connection_still_usable();
}

// relay7.json(5): a close-delimited response reaches an HTTP/1.1 client chunked, so the client's
// connection survives the backend closing.
TEST_F(StreamingTest, RechunksACloseDelimitedBodyForHttp11Clients) {
  constexpr size_t kLength = 3 * kMiB + 1;
  const HttpResponse response =
      exchange("GET", "/cd?bytes=" + std::to_string(kLength) + "&close_delimited=1");
  ASSERT_EQ(response.status, 200);
  EXPECT_TRUE(response.chunked);
  EXPECT_EQ(response.header("Connection"), "");
  ASSERT_EQ(response.body.size(), kLength);
  EXPECT_TRUE(response.body == demo_pattern(kLength)) << "body differs from the demo pattern";
  expect_connection_still_usable();
}

TEST_F(StreamingTest, EndsABodyByClosingForHttp10Clients) {
  constexpr size_t kLength = 2 * kMiB + 9;
  for (const char* control : {"", "&chunked=1", "&close_delimited=1"}) {
    HttpConnection old_client;
    ASSERT_TRUE(old_client.connect(relay_.port())) << old_client.last_error();
    const std::string target = "/old?bytes=" + std::to_string(kLength) + control;
    ASSERT_TRUE(old_client.send_raw("GET " + target + " HTTP/1.0\r\n\r\n"));
    const std::optional<HttpResponse> response = old_client.read_response();
    ASSERT_TRUE(response) << target << ": " << old_client.last_error();
    EXPECT_EQ(response->status, 200) << target;
    EXPECT_FALSE(response->chunked) << target;
    EXPECT_EQ(response->header("Connection"), "close") << target;
    ASSERT_EQ(response->body.size(), kLength) << target;
    EXPECT_TRUE(response->body == demo_pattern(kLength)) << target;
    EXPECT_TRUE(old_client.is_closed_by_peer(milliseconds(3000))) << target;
  }
}

TEST_F(StreamingTest, AnswersHeadWithoutABody) {
  const HttpResponse head = exchange("HEAD", "/h?bytes=12345");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Length"), "12345");
  EXPECT_TRUE(head.body.empty());
  const HttpResponse head_json = exchange("HEAD", "/h");
  EXPECT_EQ(head_json.status, 200);
  EXPECT_TRUE(head_json.body.empty());
  EXPECT_EQ(backend_.requests(), (std::vector<std::string>{"/h?bytes=12345", "/h"}));
  expect_connection_still_usable();
}

TEST_F(StreamingTest, PassesBodilessStatuses) {
  for (int status : {204, 304}) {
    const std::string target = "/s?status=" + std::to_string(status);
    const HttpResponse response = exchange("GET", target);
    EXPECT_EQ(response.status, status);
    EXPECT_TRUE(response.body.empty()) << status;
    EXPECT_FALSE(response.chunked) << status;
    EXPECT_FALSE(response.has_header("Transfer-Encoding")) << status;
    expect_connection_still_usable();
  }
}

TEST_F(StreamingTest, PassesOtherStatusesWithTheirBodies) {
  for (int status : {201, 404, 503}) {
    const std::string target = "/s?status=" + std::to_string(status);
    const HttpResponse response = exchange("GET", target);
    EXPECT_EQ(response.status, status);
    EXPECT_EQ(parse_echo(response)["uri"], target);
  }
  expect_connection_still_usable();
}

TEST_F(StreamingTest, RelaysContinueAndThenTheBody) {
  const std::string body = "expected body";
  ASSERT_TRUE(
      connection_.send_raw("POST /expect HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                           "Content-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n"));
  // The body is withheld until the 100 arrives, as a real client would do.
  const std::optional<HttpResponse> interim = connection_.read_response();
  ASSERT_TRUE(interim) << connection_.last_error();
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(connection_.send_raw(body));
  const std::optional<HttpResponse> response = connection_.read_response();
  ASSERT_TRUE(response) << connection_.last_error();
  EXPECT_EQ(response->status, 200);
  const nlohmann::json echo = parse_echo(*response);
  EXPECT_EQ(echoed_header(echo, "Expect"), "100-continue");
  EXPECT_EQ(echo["body_fnv1a"], fnv1a_hex(body));
  expect_connection_still_usable();
}

// Freezes a process (SIGSTOP) for `length` once `progress` reaches `trigger`, then lets it go
// on; on a background thread because the test's own thread is then blocked sending. The process
// is always continued, also when the test fails before the trigger.
class StallOnce {
 public:
  StallOnce(relay7::testing::ChildProcess& process, const std::atomic<uint64_t>& progress,
            uint64_t trigger, milliseconds length)
      : thread_([this, &process, &progress, trigger, length] {
          while (!done_ && progress < trigger)
            std::this_thread::sleep_for(milliseconds(5));
          if (done_ || !process.send_signal(SIGSTOP))
            return;
          stalled_ = true;
          const auto until = Clock::now() + length;
          while (!done_ && Clock::now() < until)
            std::this_thread::sleep_for(milliseconds(5));
          process.send_signal(SIGCONT);
        }) {}
  ~StallOnce() { finish(); }

  void finish() {
    done_ = true;
    if (thread_.joinable())
      thread_.join();
  }
  bool stalled() const { return stalled_; }

 private:
  std::atomic<bool> done_{false};
  std::atomic<bool> stalled_{false};
  std::thread thread_;
};

// 1 GiB into a backend that reads at 100 MB/s and, a quarter of the way in, stops reading for
// two seconds. Without backpressure relay7 would keep taking whatever the client sends and hold
// it; the stall makes that certain even on a machine too busy for the client to outrun 100 MB/s.
TEST_F(StreamingTest, StreamsAGibibyteUploadToASlowBackendInBoundedMemory) {
  constexpr uint64_t kLength = 1024 * kMiB;
  constexpr uint64_t kRate = 100'000'000;  // bytes per second: about 11 s for the whole body
  constexpr milliseconds kStall{2000};
  const std::string piece = binary_body(kMiB + 7);
  std::atomic<uint64_t> sent{0};
  RssSampler sampler([this] { return relay_pids(); });
  StallOnce stall(backend_.process(), sent, kLength / 4, kStall);
  const auto start = Clock::now();
  ASSERT_TRUE(connection_.send_raw(
      "POST /gib?body_rate=" + std::to_string(kRate) +
      " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(kLength) + "\r\n\r\n"));
  relay7::testing::Fnv1a expected;
  while (sent < kLength) {
    const std::string_view part =
        std::string_view(piece).substr(0, std::min<uint64_t>(piece.size(), kLength - sent));
    ASSERT_TRUE(connection_.send_raw(part))
        << "after " << sent << " bytes: " << connection_.last_error();
    expected.update(part);
    sent += part.size();
  }
  const std::optional<HttpResponse> response = connection_.read_final_response();
  stall.finish();
  sampler.stop();
  const long long took = elapsed_ms(start);
  ASSERT_TRUE(response) << connection_.last_error();
  ASSERT_EQ(response->status, 200);
  const nlohmann::json echo = parse_echo(*response);
  EXPECT_EQ(echo["body_length"], kLength);
  EXPECT_EQ(echo["body_fnv1a"], expected.hex());
  // The backend really was slow, or this proves nothing about backpressure.
  EXPECT_TRUE(stall.stalled());
  EXPECT_GE(took, static_cast<long long>(kLength * 1000 / kRate) * 8 / 10);
  EXPECT_GT(sampler.samples(), 100u);
  EXPECT_LT(sampler.max_process_bytes(), kMemoryLimit)
      << "peak VmRSS " << sampler.max_process_bytes() / kMiB << " MiB";
  std::printf("1 GiB upload: %lld ms, peak VmRSS %llu KiB (all relay7 processes: %llu KiB)\n", took,
              static_cast<unsigned long long>(sampler.max_process_bytes() / 1024),
              static_cast<unsigned long long>(sampler.max_total_bytes() / 1024));
}

// Reads the raw response stream for `duration` as a slow client would: one receive, then a
// pause. Returns everything received (head included) so the caller can check it.
std::string read_slowly(HttpConnection& connection, milliseconds duration) {
  std::string received;
  const auto deadline = Clock::now() + duration;
  while (Clock::now() < deadline) {
    const std::optional<std::string> bytes = connection.read_some(milliseconds(2000));
    if (!bytes || bytes->empty())
      break;
    received += *bytes;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return received;
}

class SlowClientDownloadTest : public StreamingTest,
                               public ::testing::WithParamInterface<const char*> {};

// 512 MiB from a fast backend to a client reading a few MB per second: relay7 must stop reading
// from the backend instead of buffering what the client has not taken.
TEST_P(SlowClientDownloadTest, KeepsMemoryBoundedForASlowReader) {
  constexpr uint64_t kLength = 512 * kMiB;
  const bool chunked = std::string(GetParam()).find("chunked") != std::string::npos;
  RssSampler sampler([this] { return relay_pids(); });
  ASSERT_TRUE(connection_.send_request(
      "GET", "/slow-reader?bytes=" + std::to_string(kLength) + GetParam()));
  const std::string received = read_slowly(connection_, milliseconds(1500));
  sampler.stop();
  const size_t head_end = received.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos) << "no response head in " << received.size() << " bytes";
  const std::string head = received.substr(0, head_end);
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << head;
  if (chunked) {
    EXPECT_NE(head.find("\r\nTransfer-Encoding: chunked"), std::string::npos) << head;
  } else {
    EXPECT_NE(head.find("\r\nContent-Length: " + std::to_string(kLength)), std::string::npos)
        << head;
    const std::string body = received.substr(head_end + 4);
    EXPECT_TRUE(body == demo_pattern(body.size())) << "body differs from the demo pattern";
  }
  // Far less than the body arrived, so relay7 had every chance to over-buffer.
  EXPECT_LT(received.size(), kLength / 4);
  EXPECT_GT(sampler.samples(), 50u);
  EXPECT_LT(sampler.max_process_bytes(), kMemoryLimit)
      << "peak VmRSS " << sampler.max_process_bytes() / kMiB << " MiB";
  connection_.close();
  // Abandoning the download leaves relay7 serving.
  const HttpResponse after = relay7::testing::http_get(relay_.port(), "/after");
  EXPECT_EQ(after.status, 200) << after.reason;
}

INSTANTIATE_TEST_SUITE_P(Framings, SlowClientDownloadTest, ::testing::Values("", "&chunked=1"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param).empty() ? "ContentLength" : "Chunked";
                         });

}  // namespace
