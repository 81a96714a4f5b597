// Upstream TLS in the config: "https://" in proxy_pass turns it on, the upstream's "tls" object
// only configures it (files read at load, relative to the config file's folder), and the
// combinations that cannot mean anything are errors with their JSON paths.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "config_test_util.h"
#include "relay7/config/dump.h"
#include "relay7/tls/upstream_context.h"
#include "support/temp_dir.h"
#include "support/test_certificates.h"

namespace relay7 {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Json = nlohmann::ordered_json;

class UpstreamTlsConfigTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<testing::TempDir>("relay7-upstream-tls-config");
    std::filesystem::create_directory(dir_->file("tls"));
    ca_ = testing::make_certificate(dir_->file("tls"), "ca", {"api.internal"});
    client_ = testing::make_certificate(dir_->file("tls"), "client", {"relay7.internal"});
  }
  static void TearDownTestSuite() { dir_.reset(); }

  // One location per proxy_pass; upstream "backend" on 10.0.0.5:8443 with `tls` unless null.
  static Json document(std::vector<std::string> targets, Json tls = nullptr) {
    Json locations = Json::array();
    for (size_t i = 0; i < targets.size(); ++i) {
      locations.push_back({{"path", "/" + std::to_string(i)}, {"proxy_pass", targets[i]}});
    }
    Json backend{{"servers", {"10.0.0.5:8443"}}};
    if (!tls.is_null()) {
      backend["tls"] = std::move(tls);
    }
    return Json{{"upstreams", {{"backend", backend}}},
                {"servers", {{{"listen", {"8080"}}, {"locations", locations}}}}};
  }
  static ConfigLoadResult load(const Json& document) {
    return parse_config_text(document.dump(), dir_->file("relay7.json").string());
  }
  static Config config_of(const Json& document) {
    const ConfigLoadResult result = load(document);
    EXPECT_TRUE(result.ok()) << ::testing::PrintToString(result.errors);
    return result.config.value_or(Config{});
  }
  static std::vector<std::string> errors_of(const Json& document) {
    const ConfigLoadResult result = load(document);
    EXPECT_FALSE(result.ok()) << document.dump();
    return result.errors;
  }
  static std::string in_dir(const std::string& relative) { return dir_->file(relative).string(); }
  static std::string at(const std::string& path) { return in_dir("relay7.json") + ": " + path; }

  static std::unique_ptr<testing::TempDir> dir_;
  static testing::CertificateFiles ca_;
  static testing::CertificateFiles client_;
};

std::unique_ptr<testing::TempDir> UpstreamTlsConfigTest::dir_;
testing::CertificateFiles UpstreamTlsConfigTest::ca_;
testing::CertificateFiles UpstreamTlsConfigTest::client_;

TEST_F(UpstreamTlsConfigTest, HttpsWithoutTlsObjectTakesTheDefaults) {
  const Config config = config_of(document({"https://backend/"}));
  const UpstreamConfig& backend = config.upstreams.at(0);
  ASSERT_TRUE(backend.tls);
  EXPECT_TRUE(backend.tls->verify);
  EXPECT_EQ(backend.tls->ca, "");
  EXPECT_EQ(backend.tls->server_name, "");
  EXPECT_EQ(backend.tls->cert, "");
  EXPECT_NE(backend.tls->context, nullptr);
  EXPECT_EQ(config.servers[0].locations[0].proxy_pass->upstream, "backend");
}

TEST_F(UpstreamTlsConfigTest, HttpLeavesTheUpstreamPlain) {
  EXPECT_FALSE(config_of(document({"http://backend/"})).upstreams.at(0).tls);
}

TEST_F(UpstreamTlsConfigTest, EveryKeyIsRead) {
  const Config config =
      config_of(document({"HTTPS://backend"}, Json{{"ca", "tls/ca.pem"},
                                                   {"server_name", "api.internal"},
                                                   {"verify", false},
                                                   {"cert", "tls/client.pem"},
                                                   {"key", "tls/client.key"}}));
  const UpstreamTlsConfig& tls = *config.upstreams.at(0).tls;
  EXPECT_EQ(tls.ca, in_dir("tls/ca.pem"));
  EXPECT_EQ(tls.server_name, "api.internal");
  EXPECT_FALSE(tls.verify);
  EXPECT_EQ(tls.cert, in_dir("tls/client.pem"));
  EXPECT_EQ(tls.key, in_dir("tls/client.key"));
  EXPECT_NE(tls.context, nullptr);
}

TEST_F(UpstreamTlsConfigTest, DirectHttpsTargetsAreImplicitTlsUpstreams) {
  const Config config = config_of(document({"https://10.0.0.7:9443/api", "https://10.0.0.8"}));
  ASSERT_EQ(config.upstreams.size(), 3u);
  EXPECT_EQ(config.upstreams[1].name, "10.0.0.7:9443");
  EXPECT_TRUE(config.upstreams[1].tls);
  // Without a port, https means 443.
  EXPECT_EQ(config.upstreams[2].name, "10.0.0.8:443");
  EXPECT_EQ(config.upstreams[2].servers.at(0).port, 443);
  EXPECT_TRUE(config.upstreams[2].tls);
}

TEST_F(UpstreamTlsConfigTest, TheDumpLoadsBackTheSame) {
  const Config config = config_of(
      document({"https://backend/x"}, Json{{"ca", "tls/ca.pem"}, {"server_name", "api.internal"}}));
  const Json dumped = dump_config(config);
  EXPECT_EQ(dumped["servers"][0]["locations"][0]["proxy_pass"], "https://backend/x");
  EXPECT_EQ(
      dumped["upstreams"]["backend"]["tls"],
      (Json{{"ca", in_dir("tls/ca.pem")}, {"server_name", "api.internal"}, {"verify", true}}));
  EXPECT_TRUE(load(dumped).ok());
}

TEST_F(UpstreamTlsConfigTest, OneUpstreamWithBothSchemesIsAnError) {
  EXPECT_THAT(errors_of(document({"http://backend/", "https://backend/"})),
              ElementsAre(at("servers[0].locations[1].proxy_pass: upstream \"backend\" is named "
                             "with \"https://\" here and with \"http://\" at "
                             "servers[0].locations[0].proxy_pass: one upstream speaks one "
                             "protocol (define another upstream with the same servers for the "
                             "other)")));
}

TEST_F(UpstreamTlsConfigTest, ATlsObjectOnAPlainUpstreamIsAnError) {
  EXPECT_THAT(errors_of(document({"http://backend/"}, Json{{"verify", true}})),
              ElementsAre(at("upstreams.backend.tls: only for an upstream that proxy_pass names "
                             "with \"https://\"; \"backend\" is named with \"http://\" at "
                             "servers[0].locations[0].proxy_pass")));
}

TEST_F(UpstreamTlsConfigTest, UnknownKeysAreSuggested) {
  EXPECT_THAT(errors_of(document({"https://backend/"}, Json{{"verfy", false}})),
              ElementsAre(at("upstreams.backend.tls: unknown key \"verfy\" (did you mean "
                             "\"verify\"?)")));
}

TEST_F(UpstreamTlsConfigTest, CertAndKeyGoTogether) {
  EXPECT_THAT(errors_of(document({"https://backend/"}, Json{{"cert", "tls/client.pem"}})),
              ElementsAre(at("upstreams.backend.tls: \"cert\" needs a \"key\" (its private key)")));
  EXPECT_THAT(
      errors_of(document({"https://backend/"}, Json{{"key", "tls/client.key"}})),
      ElementsAre(at("upstreams.backend.tls: \"key\" needs a \"cert\" (the client certificate)")));
}

TEST_F(UpstreamTlsConfigTest, ValuesOfTheWrongKindAreErrors) {
  EXPECT_THAT(
      errors_of(document({"https://backend/"},
                         Json{{"verify", "yes"}, {"server_name", "https://api:1/"}, {"ca", ""}})),
      ElementsAre(at("upstreams.backend.tls.ca: must not be empty"),
                  at("upstreams.backend.tls.server_name: \"https://api:1/\" is not a host "
                     "name or IP address (expected e.g. \"api.internal\", without scheme "
                     "or port)"),
                  at("upstreams.backend.tls.verify: expected true or false, got string")));
}

TEST_F(UpstreamTlsConfigTest, FileErrorsNameTheKeyAndTheFile) {
  const std::vector<std::string> errors = errors_of(
      document({"https://backend/"},
               Json{{"ca", "tls/missing.pem"}, {"cert", "tls/client.pem"}, {"key", "tls/ca.key"}}));
  ASSERT_EQ(errors.size(), 2u) << ::testing::PrintToString(errors);
  EXPECT_EQ(errors[0], at("upstreams.backend.tls.ca: cannot read " + in_dir("tls/missing.pem") +
                          ": No such file or directory"));
  EXPECT_EQ(errors[1], at("upstreams.backend.tls.key: " + in_dir("tls/ca.key") +
                          " does not match the certificate in " + in_dir("tls/client.pem")));
}

TEST_F(UpstreamTlsConfigTest, ACaFileWithoutCertificatesIsAnError) {
  const std::vector<std::string> errors =
      errors_of(document({"https://backend/"}, Json{{"ca", "tls/ca.key"}}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("upstreams.backend.tls.ca: " + in_dir("tls/ca.key") +
                                   ": no PEM certificate could be parsed"));
}

}  // namespace
}  // namespace relay7
