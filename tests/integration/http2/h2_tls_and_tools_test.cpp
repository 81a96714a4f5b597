// HTTP/2 as real clients see it: over TLS, where ALPN chooses h2 unless a server block says
// "http2": false, and with Debian's nghttp2-client tools (nghttp, h2load) on an h2c listener.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "integration/http2/h2_cases_runner.h"
#include "support/child_process.h"
#include "support/demo_backend.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"
#include "support/temp_dir.h"
#include "support/test_certificates.h"
#include "support/tls_connection.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kNghttp = "/usr/bin/nghttp";
constexpr const char* kH2load = "/usr/bin/h2load";

nlohmann::json tls_config(uint16_t backend_port, const CertificateFiles& files) {
  nlohmann::json config = single_upstream_config({backend_port});
  config["servers"][0]["tls"] = {
      {"certificates", {{{"cert", files.cert.string()}, {"key", files.key.string()}}}}};
  return config;
}

std::string negotiated_alpn(uint16_t port, std::vector<std::string> offer) {
  TlsClientOptions options;
  options.server_name = "h2.test";
  options.alpn = std::move(offer);
  TlsConnection connection;
  if (!connection.connect(port, options))
    return "handshake failed: " + connection.last_error();
  return connection.alpn();
}

// The finished tool's stdout; a failure (with its stderr) if it hangs or exits non-zero.
std::string run_tool(const std::vector<std::string>& argv, std::chrono::seconds timeout) {
  ChildProcess tool(argv);
  const std::optional<int> status = tool.wait_exit(timeout);
  if (!status) {
    tool.stop();
    ADD_FAILURE() << argv[0] << " did not finish within " << timeout.count() << " s";
  } else {
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << argv[0] << " " << describe_wait_status(*status) << "\n"
        << tool.stdout_text() << tool.stderr_text();
  }
  return tool.stdout_text();
}

// h2load's summary: "requests: N total, N started, N done, N succeeded, N failed, ...". The
// number before " WHAT" followed by a comma or the end of the line. (Not std::regex: g++ 12
// warns inside <regex> under the sanitizers, and warnings are errors.)
int h2load_count(const std::string& report, const std::string& what) {
  const std::string word = " " + what;
  for (size_t at = report.find(word); at != std::string::npos; at = report.find(word, at + 1)) {
    const size_t after = at + word.size();
    if (after < report.size() && report[after] != ',' && report[after] != '\n')
      continue;
    size_t start = at;
    while (start > 0 && std::isdigit(static_cast<unsigned char>(report[start - 1])))
      --start;
    if (start < at)
      return std::stoi(report.substr(start, at - start));
  }
  return -1;
}

class H2OverTlsTest : public ::testing::Test {
 protected:
  void SetUp() override { files_ = make_certificate(dir_.path(), "h2", {"h2.test"}); }

  Relay7Process start_relay(bool http2) {
    const uint16_t backend_port = backend_.port();
    const CertificateFiles files = files_;
    return Relay7Process([backend_port, files, http2](uint16_t port) {
      nlohmann::json config = listen_on(tls_config(backend_port, files), port);
      if (!http2)
        config["servers"][0]["http2"] = false;
      return config;
    });
  }

  TempDir dir_{"relay7-h2-tls"};
  CertificateFiles files_;
  DemoBackend backend_;
};

TEST_F(H2OverTlsTest, AlpnChoosesH2ByDefault) {
  Relay7Process relay = start_relay(true);
  EXPECT_EQ(negotiated_alpn(relay.port(), {"h2", "http/1.1"}), "h2");
  EXPECT_EQ(negotiated_alpn(relay.port(), {"http/1.1"}), "http/1.1");
}

TEST_F(H2OverTlsTest, Http2FalseLeavesH2Out) {
  Relay7Process relay = start_relay(false);
  EXPECT_EQ(negotiated_alpn(relay.port(), {"h2", "http/1.1"}), "http/1.1");
}

// A few cases of each kind again over TLS: the frames are the same, the transport is not.
TEST_F(H2OverTlsTest, CasesOverTlsAnswerAsOverH2c) {
  if (!h2_cases_runnable())
    GTEST_SKIP() << kSystemPython << " with python3-h2's hpack is not installed";
  Relay7Process relay = start_relay(true);
  H2RunOptions options;
  options.port = relay.port();
  options.tls = true;
  const std::vector<std::string> cases = {
      "3.4/settings-acknowledged",    "4.2/data-over-max-frame-size",
      "6.1/data-on-stream-0",         "6.9.1/stream-window-overflow",
      "8.2.1/uppercase-field-name",   "hpack/index-past-dynamic-table",
      "proxy/authority-becomes-host", "proxy/cookie-crumbs-joined",
      "proxy/response-trailers",      "proxy/request-body-flow-controlled",
  };
  const H2Run run = run_h2_cases(options, cases);
  ASSERT_EQ(run.error, "");
  for (const H2CaseResult& result : run.results)
    EXPECT_TRUE(result.passed) << describe(result);
  EXPECT_TRUE(relay.process().running()) << relay.stderr_text();
}

TEST_F(H2OverTlsTest, H2loadNegotiatesH2AndEveryRequestSucceeds) {
  if (::access(kH2load, X_OK) != 0)
    GTEST_SKIP() << kH2load << " is not installed (Debian's nghttp2-client)";
  Relay7Process relay = start_relay(true);
  const std::string report =
      run_tool({kH2load, "-n", "400", "-c", "2", "-m", "8", "-t", "1",
                "https://127.0.0.1:" + std::to_string(relay.port()) + "/tls-load"},
               60s);
  EXPECT_NE(report.find("Application protocol: h2"), std::string::npos) << report;
  EXPECT_EQ(h2load_count(report, "succeeded"), 400) << report;
  EXPECT_EQ(backend_.requests().size(), 400u);
}

class H2ToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* tool : {kNghttp, kH2load}) {
      if (::access(tool, X_OK) != 0)
        GTEST_SKIP() << tool << " is not installed (Debian's nghttp2-client)";
    }
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(relay_.port()) + path;
  }

  DemoBackend backend_;
  Relay7Process relay_{[this](uint16_t port) {
    nlohmann::json config = single_upstream_config({backend_.port()});
    config["servers"][0]["listen"] = {{{"address", loopback_address(port)}, {"h2c", true}}};
    return config;
  }};
};

TEST_F(H2ToolsTest, NghttpGetsTheBackendsAnswer) {
  const std::string output =
      run_tool({kNghttp, "-v", "-H", "cookie: a=1", "-H", "cookie: b=2", url("/tool?x=1")}, 30s);
  EXPECT_NE(output.find(":status: 200"), std::string::npos) << output;
  // The body is the backend's echo of what relay7 sent it over HTTP/1.1.
  EXPECT_NE(output.find("\"uri\":\"/tool?x=1\""), std::string::npos) << output;
  EXPECT_NE(output.find(",\"a=1; b=2\"]"), std::string::npos) << output;
}

TEST_F(H2ToolsTest, H2loadRequestsAllSucceedAndEachReachesTheBackendOnce) {
  constexpr int kRequests = 2000;
  const std::string report = run_tool(
      {kH2load, "-n", std::to_string(kRequests), "-c", "4", "-m", "16", "-t", "1", url("/load")},
      120s);
  EXPECT_NE(report.find("Application protocol: h2c"), std::string::npos) << report;
  EXPECT_EQ(h2load_count(report, "succeeded"), kRequests) << report;
  EXPECT_EQ(h2load_count(report, "2xx"), kRequests) << report;
  EXPECT_EQ(backend_.requests().size(), static_cast<size_t>(kRequests));
}

}  // namespace
}  // namespace relay7::testing
