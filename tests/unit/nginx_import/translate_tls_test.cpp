// ssl_certificate, ssl_certificate_key, ssl_protocols and "listen ... ssl" become a block's
// "tls"; a block nginx serves both plain and with TLS becomes two relay7 blocks.
#include <gtest/gtest.h>

#include <memory>

#include "import_test_util.h"
#include "support/test_certificates.h"

namespace relay7::nginx_import::testing {
namespace {

using Json = nlohmann::ordered_json;
using Lines = std::vector<std::string>;

class NginxImportTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<relay7::testing::TempDir>("relay7-import-tls");
    ecdsa_ = relay7::testing::make_certificate(dir_->path(), "shop", {"shop.example"});
    rsa_ = relay7::testing::make_certificate(dir_->path(), "shop-rsa", {"shop.example"},
                                             relay7::testing::KeyType::rsa_2048);
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static std::string certificate_lines(const relay7::testing::CertificateFiles& files) {
    return "ssl_certificate " + files.cert.string() + ";\nssl_certificate_key " +
           files.key.string() + ";\n";
  }
  static Json pair(const relay7::testing::CertificateFiles& files) {
    return Json{{"cert", files.cert.string()}, {"key", files.key.string()}};
  }

  static std::unique_ptr<relay7::testing::TempDir> dir_;
  static relay7::testing::CertificateFiles ecdsa_;
  static relay7::testing::CertificateFiles rsa_;
};

std::unique_ptr<relay7::testing::TempDir> NginxImportTlsTest::dir_;
relay7::testing::CertificateFiles NginxImportTlsTest::ecdsa_;
relay7::testing::CertificateFiles NginxImportTlsTest::rsa_;

TEST_F(NginxImportTlsTest, APlainAndTlsBlockBecomesTwoBlocksWithTheSameLocations) {
  const ImportRun run(
      http_config("ssl_protocols TLSv1 TLSv1.1 TLSv1.2;\n"
                  "server {\nlisten 8080;\nlisten 8443 ssl;\nserver_name shop.example;\n" +
                  certificate_lines(ecdsa_) + "location / { return 204; }\n}\n"));
  EXPECT_EQ(run.errors(), Lines{});
  EXPECT_TRUE(run.result().check_passed);
  const Json json = run.json();
  const Json& servers = json["servers"];
  ASSERT_EQ(servers.size(), 2u);
  EXPECT_EQ(servers[0], Json::parse(R"({"listen": ["8080"], "server_names": ["shop.example"],
      "locations": [{"path": "/", "return": 204}]})"));
  EXPECT_EQ(servers[1]["listen"], Json::parse(R"(["8443"])"));
  EXPECT_EQ(servers[1]["server_names"], Json::parse(R"(["shop.example"])"));
  EXPECT_EQ(servers[1]["tls"],
            (Json{{"certificates", {pair(ecdsa_)}}, {"protocols", {"TLSv1.2"}}}));
  EXPECT_EQ(servers[1]["locations"], servers[0]["locations"]);
  EXPECT_EQ(run.warnings(), (Lines{"nginx.conf:3: warning: TLSv1, TLSv1.1 dropped: relay7 speaks "
                                   "TLS 1.2 and 1.3 only (RFC 8996 deprecates the others)"}));
}

// nginx inherits the certificate list from http as a whole; a server's own list replaces it.
TEST_F(NginxImportTlsTest, CertificatesAreInheritedAsAWholeListAndPairedInOrder) {
  const ImportRun run(http_config(certificate_lines(ecdsa_) + certificate_lines(rsa_) +
                                  "server {\nlisten 8443 ssl;\nlocation / { return 204; }\n}\n"
                                  "server {\nlisten 9443 ssl;\n" +
                                  certificate_lines(rsa_) + "location / { return 204; }\n}\n"));
  EXPECT_EQ(run.errors(), Lines{});
  const Json json = run.json();
  const Json& servers = json["servers"];
  ASSERT_EQ(servers.size(), 2u);
  EXPECT_EQ(servers[0]["tls"], (Json{{"certificates", {pair(ecdsa_), pair(rsa_)}}}));
  EXPECT_EQ(servers[1]["tls"], (Json{{"certificates", {pair(rsa_)}}}));
}

TEST_F(NginxImportTlsTest, RefusesWhatNginxRefusesAndWhatRelay7CannotServe) {
  const ImportRun run(http_config(
      "server {\nlisten 8443 ssl;\nlocation / { return 204; }\n}\n"
      "server {\nlisten 9443 ssl;\n" +
      certificate_lines(ecdsa_) + "ssl_certificate " + rsa_.cert.string() +
      ";\nlocation / { return 204; }\n}\n"
      "server {\nlisten 7443 ssl;\nssl_certificate data:$cert;\nssl_protocols TLSv1 TLSv1.1;\n"
      "ssl on;\nssl_session_tickets off;\nlocation / { return 204; }\n}\n"));
  const Lines errors = run.errors();
  EXPECT_TRUE(
      any_contains(errors,
                   "nginx.conf:4: no \"ssl_certificate\" is defined for the \"listen ... ssl\" "
                   "directive"));
  EXPECT_TRUE(any_contains(errors,
                           "nginx.conf:9: 2 ssl_certificate but 1 ssl_certificate_key: "
                           "each certificate needs its key"));
  EXPECT_TRUE(any_contains(errors,
                           "nginx.conf:16: not translated: ssl_certificate data:$cert "
                           "(relay7 reads certificates and keys from files named in its "
                           "config)"));
  EXPECT_TRUE(any_contains(errors,
                           "nginx.conf:17: not translated: ssl_protocols TLSv1 TLSv1.1 "
                           "(relay7 speaks TLS 1.2 and 1.3 only (RFC 8996 deprecates the "
                           "others))"));
  EXPECT_TRUE(any_contains(errors,
                           "nginx.conf:18: not translated: ssl on (use \"listen ... "
                           "ssl\" (nginx itself removed \"ssl on\" in 1.25.1))"));
  EXPECT_TRUE(any_contains(errors, "nginx.conf:19: not translated: ssl_session_tickets off"));
}

TEST_F(NginxImportTlsTest, DropsSettingsRelay7FixesWithAWarning) {
  const ImportRun run(http_config(
      "ssl_ciphers HIGH:!aNULL;\nssl_prefer_server_ciphers on;\nssl_session_cache shared:SSL:10m;\n"
      "ssl_session_timeout 1d;\nssl_session_tickets on;\n"
      "server {\nlisten 8443 ssl;\n" +
      certificate_lines(ecdsa_) + "location / { return 204; }\n}\n"));
  EXPECT_EQ(run.errors(), Lines{});
  const Lines warnings = run.warnings();
  EXPECT_TRUE(any_contains(warnings, "nginx.conf:3: warning: ssl_ciphers HIGH:!aNULL: dropped"));
  EXPECT_TRUE(any_contains(warnings,
                           "nginx.conf:4: warning: ssl_prefer_server_ciphers on: "
                           "dropped"));
  EXPECT_TRUE(any_contains(warnings,
                           "nginx.conf:5: warning: ssl_session_cache shared:SSL:10m: "
                           "dropped, relay7 resumes sessions with tickets"));
  EXPECT_TRUE(any_contains(warnings, "nginx.conf:6: warning: ssl_session_timeout 1d: dropped"));
}

}  // namespace
}  // namespace relay7::nginx_import::testing
