// Reloads under TLS load: each reload reads a renewed certificate (the two alternate, as certbot
// renewals do) while clients keep sending, on keep-alive connections and on a new connection
// (a full handshake) per request. No handshake and no request may fail.
#include <gtest/gtest.h>

#include "support/demo_backend.h"
#include "support/load_client.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"
#include "support/temp_dir.h"
#include "support/test_certificates.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kReloads = 20;

nlohmann::json tls_config(const DemoBackend& backend, const CertificateFiles& certificate) {
  return {{"workers", 2},
          {"shutdown_timeout", "10s"},
          {"upstreams", {{"app", {{"servers", {"127.0.0.1:" + std::to_string(backend.port())}}}}}},
          {"servers",
           {{{"listen", {"127.0.0.1:0"}},
             {"tls",
              {{"certificates",
                {{{"cert", certificate.cert.string()}, {"key", certificate.key.string()}}}}}},
             {"locations", {{{"path", "/"}, {"proxy_pass", "http://app"}}}}}}}};
}

class TlsReloadUnderLoadTest : public ::testing::TestWithParam<bool> {
 protected:
  TempDir dir_{"relay7-tls-reload"};
  DemoBackend backend_{0, "app"};
};

TEST_P(TlsReloadUnderLoadTest, TwentyCertificateReloadsLoseNoHandshakeAndNoRequest) {
  const CertificateFiles first = make_certificate(dir_.path(), "first", {"shop.example"});
  const CertificateFiles renewed = make_certificate(dir_.path(), "renewed", {"shop.example"});
  Relay7Process relay(tls_config(backend_, first));
  const nlohmann::json config_first = relay.config();
  nlohmann::json config_renewed = listen_on(tls_config(backend_, renewed), relay.port());
  config_renewed["pid_file"] = config_first["pid_file"];
  ASSERT_TRUE(wait_for_reloads(relay, 0, 10s)) << relay.stderr_text();

  LoadClient load(relay.port(), {.connections = 20, .keep_alive = GetParam(), .tls = true});
  ASSERT_TRUE(eventually([&] { return load.answered() > 100; }, 10s));
  for (int reload = 1; reload <= kReloads; ++reload) {
    relay.reload_with(reload % 2 == 1 ? config_renewed : config_first);
    const auto status = wait_for_reloads(relay, reload, 15s);
    ASSERT_TRUE(status) << "reload " << reload << " not reported\n" << relay.stderr_text();
    ASSERT_TRUE(status->ok) << status->error;
    const uint64_t before = load.answered();
    ASSERT_TRUE(eventually([&] { return load.answered() > before + 50; }, 10s));
  }
  const LoadResult result = load.stop();
  EXPECT_EQ(result.failures, 0u) << "first failures: "
                                 << ::testing::PrintToString(result.failure_messages);
  EXPECT_GT(result.requests, 1000u);
}

INSTANTIATE_TEST_SUITE_P(Connections, TlsReloadUnderLoadTest, ::testing::Values(true, false),
                         [](const auto& info) {
                           return info.param ? "KeepAlive" : "NewHandshakePerRequest";
                         });

}  // namespace
}  // namespace relay7::testing
