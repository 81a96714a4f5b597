// The HTTP/2 floods of issue 16, each from one connection that never stops by itself: Rapid
// Reset (CVE-2023-44487), a CONTINUATION flood (CVE-2024-28182), PING, SETTINGS and empty-DATA
// floods. relay7 must end each with GOAWAY ENHANCE_YOUR_CALM and an error-log line, soon, with
// its worker's memory bounded and the backend seeing a bounded number of requests. Each flood
// gets its own relay7 (default http2 limits) and backend, so the counts are the flood's alone.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "integration/http2/h2_cases_runner.h"
#include "support/demo_backend.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"
#include "support/rss_sampler.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kFloodFrames = 5000;
// The default budget: max_resets_per_second 100 in a bucket holding 10 seconds' worth.
constexpr size_t kResetBurst = 1000;
// Streams a client may hold open at once by default: each may reach the backend before the
// reset that exceeds the budget.
constexpr size_t kMaxConcurrentStreams = 128;
// What the bucket refills while a flood runs (well under a second at 100 a second).
constexpr size_t kRefillMargin = 100;
constexpr uint64_t kMiB = 1024 * 1024;
// What a worker may grow by while flooded: every stream of the burst with its buffers fits many
// times over, an unbounded queue of ping answers or streams does not.
constexpr uint64_t kRssGrowthLimit = 48 * kMiB;
constexpr double kFloodSecondsLimit = 10.0;

struct FloodCase {
  std::string name;
  // The most requests the backend may see.
  size_t max_backend_requests;
  // The config's "http2" object; empty: the defaults.
  nlohmann::json http2 = nlohmann::json::object();
  // Tells apart the test names of one flood run with different configs.
  std::string variant = {};
};

size_t occurrences(const std::string& text, const std::string& what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++count;
  return count;
}

class H2FloodTest : public ::testing::TestWithParam<FloodCase> {
 protected:
  void SetUp() override {
    if (!h2_cases_runnable())
      GTEST_SKIP() << kSystemPython << " with python3-h2's hpack is not installed";
    backend_ = std::make_unique<DemoBackend>();
    const uint16_t backend_port = backend_->port();
    const nlohmann::json http2 = GetParam().http2;
    relay_ = std::make_unique<Relay7Process>([backend_port, http2](uint16_t port) {
      nlohmann::json config = single_upstream_config({backend_port});
      config["servers"][0]["listen"] = {{{"address", loopback_address(port)}, {"h2c", true}}};
      if (!http2.empty())
        config["http2"] = http2;
      return config;
    });
  }

  std::vector<pid_t> workers() const { return relay_->descendant_pids(); }

  // The backend's count once it stops moving: requests relay7 had sent on before the GOAWAY may
  // still be arriving.
  size_t settled_backend_requests() {
    size_t last = backend_->requests().size();
    for (int i = 0; i < 20; ++i) {
      std::this_thread::sleep_for(100ms);
      const size_t now = backend_->requests().size();
      if (now == last && i >= 2)
        break;
      last = now;
    }
    return last;
  }

  std::unique_ptr<DemoBackend> backend_;
  std::unique_ptr<Relay7Process> relay_;
};

TEST_P(H2FloodTest, EndsInEnhanceYourCalmWithBoundedMemoryAndBackendLoad) {
  const FloodCase& flood = GetParam();
  std::optional<uint64_t> baseline;
  for (pid_t worker : workers()) {
    const std::optional<uint64_t> rss = rss_bytes(worker);
    if (rss)
      baseline = std::max(baseline.value_or(0), *rss);
  }
  ASSERT_TRUE(baseline) << "no worker process to measure";
  const std::string log_before = relay_->stderr_text();

  RssSampler sampler([this] { return workers(); }, 5ms);
  H2RunOptions options;
  options.port = relay_->port();
  options.timeout = 60s;
  options.extra_args = {"--count", std::to_string(kFloodFrames), "--flood-wait",
                        std::to_string(static_cast<int>(kFloodSecondsLimit))};
  const auto began = Clock::now();
  const H2Run run = run_h2_cases(options, {flood.name});
  sampler.stop();
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - began);
  ASSERT_EQ(run.error, "");
  ASSERT_EQ(run.results.size(), 1u);
  const H2CaseResult& result = run.results[0];

  EXPECT_EQ(result.got, "GOAWAY ENHANCE_YOUR_CALM") << describe(result);
  EXPECT_LT(result.detail.value("seconds", 1e9), kFloodSecondsLimit) << describe(result);
  EXPECT_LT(took, 30s);
  EXPECT_TRUE(relay_->process().running()) << relay_->stderr_text();

  const size_t backend_requests = settled_backend_requests();
  EXPECT_LE(backend_requests, flood.max_backend_requests) << describe(result);

  EXPECT_GT(sampler.samples(), 0u);
  EXPECT_LE(sampler.max_process_bytes(), *baseline + kRssGrowthLimit)
      << "baseline " << *baseline / kMiB << " MiB, peak " << sampler.max_process_bytes() / kMiB
      << " MiB";

  std::printf(
      "%s: %s, %d frames sent in %.3f s, backend saw %zu requests, worker RSS %llu -> "
      "%llu KiB\n",
      flood.name.c_str(), result.got.c_str(), result.detail.value("frames_sent", -1),
      result.detail.value("seconds", -1.0), backend_requests,
      static_cast<unsigned long long>(*baseline / 1024),
      static_cast<unsigned long long>(sampler.max_process_bytes() / 1024));

  // A flooder is cut off, not the server: the next client is served.
  H2RunOptions next_client;
  next_client.port = relay_->port();
  const H2Run after = run_h2_cases(next_client, {"proxy/authority-becomes-host"});
  ASSERT_EQ(after.error, "");
  ASSERT_EQ(after.results.size(), 1u);
  EXPECT_TRUE(after.results[0].passed) << describe(after.results[0]);

  // The operator learns of it from one error-log line: one, or the flood floods the log too.
  const std::string log = relay_->stderr_text();
  const std::string added = log.size() > log_before.size() ? log.substr(log_before.size()) : "";
  const size_t lines = occurrences(added, "ENHANCE_YOUR_CALM");
  EXPECT_EQ(lines, 1u) << "relay7 logged:\n" << added.substr(0, 2000);
}

// Rapid Reset may let through about one burst of streams, plus the streams open at once when
// the budget runs out and what refills while the flood runs: the paced variant gives relay7 time
// to pass each batch of streams on before they are reset, so the backend sees them. Every other
// flood opens at most one request.
INSTANTIATE_TEST_SUITE_P(
    H2Floods, H2FloodTest,
    ::testing::Values(
        FloodCase{"flood/rapid-reset", kResetBurst + kMaxConcurrentStreams + kRefillMargin},
        FloodCase{"flood/rapid-reset-paced", kResetBurst + kMaxConcurrentStreams + kRefillMargin},
        // The budget follows the config: 10 resets a second, a burst of 100.
        FloodCase{.name = "flood/rapid-reset-paced",
                  .max_backend_requests = 100 + kMaxConcurrentStreams + kRefillMargin / 10,
                  .http2 = {{"max_resets_per_second", 10}},
                  .variant = "_at_10_per_second"},
        FloodCase{"flood/continuation", 0}, FloodCase{"flood/ping", 0},
        FloodCase{"flood/ping-unread", 0}, FloodCase{"flood/settings", 0},
        FloodCase{"flood/empty-data", 1}),
    [](const ::testing::TestParamInfo<FloodCase>& info) {
      return h2_case_test_name(info.param.name) + info.param.variant;
    });

}  // namespace
}  // namespace relay7::testing
