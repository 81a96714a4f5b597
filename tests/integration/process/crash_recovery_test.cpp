// What happens when a serving worker dies: a worker that had served is replaced at once, every
// time, so a request that crashes workers costs no outage; a worker that dies before it served
// anything backs off, so a crash loop at start neither spins nor floods the log; and new
// connections avoid a slot while it has no worker.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>

#include "support/demo_backend.h"
#include "support/http_connection.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"
#include "support/temp_dir.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// AddressSanitizer turns a SIGSEGV into a symbolized report before the process exits, which
// takes longer than the bound measured here; it leaves SIGABRT alone.
#ifdef __SANITIZE_ADDRESS__
constexpr int kCrash = SIGABRT;
#else
constexpr int kCrash = SIGSEGV;
#endif

size_t occurrences(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

bool gone(pid_t pid, const Relay7Process& relay) {
  const std::vector<pid_t> workers = relay.descendant_pids();
  return std::find(workers.begin(), workers.end(), pid) == workers.end();
}

// A GET on a new connection, answered within `timeout` or counted as failed.
int status_within(uint16_t port, const std::string& path, std::chrono::milliseconds timeout) {
  HttpConnection connection;
  if (!connection.connect(port)) {
    return 0;
  }
  connection.set_timeout(timeout);
  if (!connection.send_request("GET", path, {{"Connection", "close"}})) {
    return 0;
  }
  const auto response = connection.read_response();
  return response ? response->status : 0;
}

TEST(CrashRecoveryTest, AWorkerThatHadServedIsBackWithinASecondAfterEachOfFiveCrashes) {
  DemoBackend backend;
  Relay7Process relay(single_upstream_config({backend.port()}));  // one worker
  ASSERT_TRUE(wait_for_reloads(relay, 0, 10s));
  ASSERT_EQ(http_get(relay.port(), "/before").status, 200);
  std::vector<int64_t> outages_ms;
  for (int crash = 1; crash <= 5; ++crash) {
    const std::vector<pid_t> workers = relay.descendant_pids();
    ASSERT_EQ(workers.size(), 1u);
    const auto crashed_at = Clock::now();
    ASSERT_EQ(::kill(workers.front(), kCrash), 0);
    // A connection the dying worker had accepted is reset; the next waits in the backlog for
    // the replacement.
    std::optional<Clock::time_point> answered;
    while (!answered && Clock::now() - crashed_at < 10s) {
      if (status_within(relay.port(), "/after-crash-" + std::to_string(crash), 5s) == 200) {
        answered = Clock::now();
      }
    }
    ASSERT_TRUE(answered) << "crash " << crash << ": never answered again\n" << relay.stderr_text();
    outages_ms.push_back(
        std::chrono::duration_cast<std::chrono::milliseconds>(*answered - crashed_at).count());
    ASSERT_TRUE(eventually([&] { return gone(workers.front(), relay); }, 5s));
  }
  for (size_t crash = 0; crash < outages_ms.size(); ++crash) {
    EXPECT_LT(outages_ms[crash], 1000)
        << "crash " << crash + 1 << " of " << ::testing::PrintToString(outages_ms) << " (ms)";
  }
  EXPECT_EQ(occurrences(relay.stderr_text(), "it had served connections; replacing it at once"), 5u)
      << relay.stderr_text();
}

TEST(CrashRecoveryTest, AWorkerThatCannotStartIsRetriedWithGrowingDelaysWhileTheOthersServe) {
  DemoBackend backend;
  TempDir logs("relay7-crash-loop");
  std::filesystem::create_directory(logs.file("logs"));
  nlohmann::json config = single_upstream_config({backend.port()}, 2);
  config["access_log"] = {{"path", logs.file("logs/access.log").string()}};
  Relay7Process relay(config);
  ASSERT_TRUE(wait_until_serving(relay, 2, 10s)) << relay.stderr_text();

  // Its replacements cannot open the access log (a file stands where its directory was), and
  // exit before they are ready.
  std::filesystem::remove_all(logs.file("logs"));
  write_file(logs.file("logs"), "not a directory");
  const pid_t killed = relay.descendant_pids().front();
  ASSERT_EQ(::kill(killed, SIGKILL), 0);
  ASSERT_TRUE(eventually(
      [&] { return relay.stderr_text().find("replacing it in 500ms") != std::string::npos; }, 5s))
      << relay.stderr_text();
  const std::string log = relay.stderr_text();
  EXPECT_NE(log.find("exited with status 1 before it was ready; replacing it in 250ms"),
            std::string::npos)
      << log;
  // Meanwhile every new connection goes to the worker that is up, none to the slot that waits
  // for its replacement.
  for (int request = 0; request < 20; ++request) {
    EXPECT_EQ(status_within(relay.port(), "/meanwhile", 2s), 200) << "request " << request;
  }

  std::filesystem::remove(logs.file("logs"));
  std::filesystem::create_directory(logs.file("logs"));
  ASSERT_TRUE(eventually(
      [&] {
        return relay.descendant_pids().size() == 2 &&
               std::filesystem::exists(logs.file("logs/access.log"));
      },
      10s))
      << relay.stderr_text();
  for (int request = 0; request < 10; ++request) {
    EXPECT_EQ(status_within(relay.port(), "/recovered", 2s), 200) << "request " << request;
  }
}

TEST(CrashRecoveryTest, AnIdleWorkerKilledAgainAndAgainBacksOff) {
  DemoBackend backend;
  Relay7Process relay(single_upstream_config({backend.port()}, 2));
  // Before the first generation is up, a dead worker is a failed start, not a crash.
  ASSERT_TRUE(wait_until_serving(relay, 2, 10s)) << relay.stderr_text();
  // The same slot three times: the first worker may have served relay7's readiness probe (and is
  // then replaced at once, resetting the delay), its replacements serve nothing.
  pid_t victim = relay.descendant_pids().front();
  for (int death = 1; death <= 3; ++death) {
    const std::vector<pid_t> before = relay.descendant_pids();
    ASSERT_EQ(::kill(victim, SIGKILL), 0);
    if (death == 3) {
      break;
    }
    ASSERT_TRUE(eventually(
        [&] {
          const auto now = relay.descendant_pids();
          return now.size() == 2 && std::find(now.begin(), now.end(), victim) == now.end();
        },
        10s))
        << relay.stderr_text();
    for (pid_t worker : relay.descendant_pids()) {
      if (std::find(before.begin(), before.end(), worker) == before.end()) {
        victim = worker;
      }
    }
  }
  ASSERT_TRUE(eventually(
      [&] { return relay.stderr_text().find("replacing it in 250ms") != std::string::npos; }, 5s))
      << relay.stderr_text();
  // A replacement may be killed before it even reported ready: either way it served nothing.
  EXPECT_NE(relay.stderr_text().find("killed by signal 9 (Killed) before it"), std::string::npos);
  // The other worker answers while the slot waits for its replacement.
  EXPECT_EQ(http_get(relay.port(), "/meanwhile").status, 200);
}

}  // namespace
}  // namespace relay7::testing
