// The shared upstream state is sized when the master starts, from its first config: a reload
// that would not fit is refused with an error that says so, and the running generation keeps
// serving. A worker is never started without a ledger column, so crash accounting never stops.
#include <gtest/gtest.h>

#include "support/backend_json.h"
#include "support/demo_backend.h"
#include "support/http_connection.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"
#include "support/temp_dir.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;

class SharedStateLimitsTest : public ::testing::Test {
 protected:
  SharedStateLimitsTest()
      : relay_(single_upstream_config({backend_.port()})), first_config_(relay_.config()) {}

  ReloadStatus reload_and_wait(const nlohmann::json& config) {
    relay_.reload_with(config);
    const auto status = wait_for_reloads(relay_, 1, 30s);
    if (!status) {
      ADD_FAILURE() << "reload not reported; stderr:\n" << relay_.stderr_text();
      return {};
    }
    return *status;
  }

  void expect_still_serving() {
    const HttpResponse response = http_get(relay_.port(), "/still");
    EXPECT_EQ(response.status, 200) << response.reason;
  }

  DemoBackend backend_{0, "only"};
  Relay7Process relay_;
  const nlohmann::json first_config_;
};

// One worker at the start: the table has the minimum of 128 worker columns.
TEST_F(SharedStateLimitsTest, AReloadNeedingMoreWorkerColumnsThanAreFreeIsRefused) {
  nlohmann::json bigger = first_config_;
  bigger["workers"] = 200;
  const ReloadStatus status = reload_and_wait(bigger);
  EXPECT_FALSE(status.ok);
  EXPECT_NE(status.error.find("workers: the new generation needs 200 worker columns in the "
                              "shared state, but only 127 of 128 are free"),
            std::string::npos)
      << status.error;
  EXPECT_EQ(status.generation, 1u);
  expect_still_serving();
}

// 300 names reserve 300 x 16 = 4800 slots: a valid config (at most 8192), but more than the
// minimum of 4096 the table got for a first config of one server.
TEST_F(SharedStateLimitsTest, AReloadWhoseServersDoNotFitTheTableIsRefused) {
  TempDir dir;
  std::string hosts;
  nlohmann::json servers = nlohmann::json::array();
  for (int i = 0; i < 300; ++i) {
    hosts += "127.0.0.1 n" + std::to_string(i) + ".test\n";
    servers.push_back("n" + std::to_string(i) + ".test:" + std::to_string(backend_.port()));
  }
  write_file(dir.file("hosts"), hosts);
  nlohmann::json bigger = first_config_;
  bigger["resolver"] = {{"hosts_file", dir.file("hosts").string()},
                        {"nameservers", nlohmann::json::array()}};
  bigger["upstreams"][kTestUpstream]["servers"] = servers;
  const ReloadStatus status = reload_and_wait(bigger);
  EXPECT_FALSE(status.ok);
  EXPECT_NE(status.error.find("the upstream servers need 4800 new shared-state slots, but only "
                              "4095 of 4096 are free"),
            std::string::npos)
      << status.error;
  EXPECT_NE(status.error.find("restart relay7"), std::string::npos) << status.error;
  expect_still_serving();
}

}  // namespace
}  // namespace relay7::testing
