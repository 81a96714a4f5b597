// TLS to backends: proxy_pass "https://" makes relay7 a TLS client of its upstream's servers,
// verifying their certificates against the upstream's "ca". The backend (support/tls_backend.h)
// runs in the test process and counts handshakes and resumed sessions, so each test sees what
// relay7 did on the wire. Certificates are made by the openssl command line for each run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "support/http_connection.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"
#include "support/temp_dir.h"
#include "support/test_certificates.h"
#include "support/tls_backend.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

class UpstreamTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("relay7-upstream-tls");
    backend_cert_ = make_certificate(dir_->path(), "backend", {"backend.test", "127.0.0.1"});
    other_cert_ = make_certificate(dir_->path(), "other", {"other.test"});
  }
  static void TearDownTestSuite() { dir_.reset(); }

  // The single upstream of single_upstream_config, named with "https://" and given `tls`.
  nlohmann::json config(const nlohmann::json& tls) const {
    nlohmann::json config = single_upstream_config({backend_.port()});
    config["servers"][0]["locations"][0]["proxy_pass"] = std::string("https://") + kTestUpstream;
    if (!tls.is_null()) {
      config["upstreams"][kTestUpstream]["tls"] = tls;
    }
    return config;
  }

  static nlohmann::json trusting(const CertificateFiles& ca) { return {{"ca", ca.cert.string()}}; }

  static std::unique_ptr<TempDir> dir_;
  static CertificateFiles backend_cert_;
  static CertificateFiles other_cert_;
  TlsBackend backend_{backend_cert_};
};

std::unique_ptr<TempDir> UpstreamTlsTest::dir_;
CertificateFiles UpstreamTlsTest::backend_cert_;
CertificateFiles UpstreamTlsTest::other_cert_;

bool log_mentions(const Relay7Process& relay, const std::string& text) {
  return relay.stderr_text().find(text) != std::string::npos;
}

TEST_F(UpstreamTlsTest, AVerifiedBackendAnswers) {
  Relay7Process relay(config(trusting(backend_cert_)));
  const HttpResponse response = http_get(relay.port(), "/hello");
  EXPECT_EQ(response.status, 200) << response.reason;
  EXPECT_NE(response.body.find("path=/hello"), std::string::npos) << response.body;
  // An IP address is checked against the certificate's IP entry and never sent as SNI.
  EXPECT_NE(response.body.find("sni= "), std::string::npos) << response.body;
  EXPECT_EQ(backend_.handshakes(), 1);
}

TEST_F(UpstreamTlsTest, ServerNameIsSentAsSniAndChecked) {
  nlohmann::json tls = trusting(backend_cert_);
  tls["server_name"] = "backend.test";
  Relay7Process relay(config(tls));
  const HttpResponse response = http_get(relay.port(), "/");
  EXPECT_EQ(response.status, 200) << response.reason;
  EXPECT_NE(response.body.find("sni=backend.test"), std::string::npos) << response.body;
}

TEST_F(UpstreamTlsTest, AnUntrustedCertificateIs502AndLogged) {
  Relay7Process relay(config(trusting(other_cert_)));
  EXPECT_EQ(http_get(relay.port(), "/").status, 502);
  EXPECT_TRUE(eventually(
      [&] {
        return log_mentions(relay,
                            "(of backends) failed: connect: TLS certificate verification "
                            "failed: self-signed certificate");
      },
      5s))
      << relay.stderr_text();
  EXPECT_EQ(backend_.requests(), 0);
}

TEST_F(UpstreamTlsTest, ANameTheCertificateDoesNotCoverIs502) {
  nlohmann::json tls = trusting(backend_cert_);
  tls["server_name"] = "wrong.test";
  Relay7Process relay(config(tls));
  EXPECT_EQ(http_get(relay.port(), "/").status, 502);
  EXPECT_TRUE(eventually([&] { return log_mentions(relay, "hostname mismatch"); }, 5s))
      << relay.stderr_text();
  EXPECT_EQ(backend_.requests(), 0);
}

TEST_F(UpstreamTlsTest, VerifyFalseAcceptsAnyCertificate) {
  nlohmann::json tls = trusting(other_cert_);
  tls["verify"] = false;
  Relay7Process relay(config(tls));
  EXPECT_EQ(http_get(relay.port(), "/").status, 200);
}

// Two requests in a row, each on a client connection of its own; what the backend said to the
// second.
std::string second_of_two(const Relay7Process& relay) {
  EXPECT_EQ(http_get(relay.port(), "/one").status, 200);
  const HttpResponse second = http_get(relay.port(), "/two");
  EXPECT_EQ(second.status, 200) << second.reason;
  return second.body;
}

TEST_F(UpstreamTlsTest, PooledConnectionsAreReused) {
  Relay7Process relay(config(trusting(backend_cert_)));
  EXPECT_THAT(second_of_two(relay), HasSubstr("connection=1 "));
  EXPECT_EQ(backend_.handshakes(), 1);
  EXPECT_EQ(backend_.requests(), 2);
}

TEST_F(UpstreamTlsTest, ASecondConnectionResumesTheSession) {
  nlohmann::json config = this->config(trusting(backend_cert_));
  config["upstreams"][kTestUpstream]["keepalive"] = 0;  // a new connection per request
  Relay7Process relay(config);
  EXPECT_THAT(second_of_two(relay), HasSubstr("connection=2 reused=1"));
  EXPECT_EQ(backend_.handshakes(), 2);
  EXPECT_EQ(backend_.resumed(), 1);
}

TEST_F(UpstreamTlsTest, HealthProbesSpeakTls) {
  nlohmann::json config = this->config(trusting(backend_cert_));
  config["upstreams"][kTestUpstream]["health_check"] = {
      {"path", "/health"}, {"interval", "200ms"}, {"timeout", "200ms"}, {"rise", 1}, {"fall", 1}};
  Relay7Process relay(config);
  EXPECT_TRUE(eventually([&] { return backend_.requests_for("/health") > 0; }, 5s));
  EXPECT_EQ(http_get(relay.port(), "/").status, 200);
  backend_.set_status(503);
  EXPECT_TRUE(eventually(
      [&] {
        return log_mentions(relay, "no live upstreams") ||
               http_get(relay.port(), "/").status == 502;
      },
      5s));
  backend_.set_status(200);
  EXPECT_TRUE(eventually([&] { return http_get(relay.port(), "/").status == 200; }, 5s));
}

}  // namespace
}  // namespace relay7::testing
