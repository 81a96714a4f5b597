// A reload drains HTTP/2 connections as RFC 9113 section 6.8 describes a graceful shutdown: a
// GOAWAY that refuses nothing (last stream 2^31-1), the streams in flight finished, then the
// GOAWAY naming the last stream taken, and the connection closed.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "integration/http2/h2_cases_runner.h"
#include "support/demo_backend.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;

TEST(H2DrainTest, AReloadFinishesTheStreamInFlightBetweenTwoGoaways) {
  if (!h2_cases_runnable())
    GTEST_SKIP() << kSystemPython << " with python3-h2's hpack is not installed";
  DemoBackend backend;
  Relay7Process relay([&backend](uint16_t port) {
    nlohmann::json config = single_upstream_config({backend.port()});
    config["servers"][0]["listen"] = {{{"address", loopback_address(port)}, {"h2c", true}}};
    return config;
  });
  H2RunOptions options;
  options.port = relay.port();
  options.timeout = 30s;
  options.extra_args = {"--relay7-pid", std::to_string(relay.pid())};
  const H2Run run = run_h2_cases(options, {"drain/reload-finishes-the-stream-in-flight"});
  ASSERT_EQ(run.error, "");
  ASSERT_EQ(run.results.size(), 1u);
  EXPECT_TRUE(run.results[0].passed) << describe(run.results[0]);
  EXPECT_EQ(backend.requests().size(), 1u);
  EXPECT_TRUE(relay.process().running()) << relay.stderr_text();
}

}  // namespace
}  // namespace relay7::testing
