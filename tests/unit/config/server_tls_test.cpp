// A server block's "tls" object: certificate files read and checked at load (relative to the
// config file's folder), protocols and handshake_timeout, and what may share an address.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <memory>

#include "config_test_util.h"
#include "relay7/config/dump.h"
#include "relay7/tls/server_context.h"
#include "support/temp_dir.h"
#include "support/test_certificates.h"

namespace relay7 {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Json = nlohmann::ordered_json;

class ServerTlsTest : public ::testing::Test {
 protected:
  // Made once: openssl takes a while for an RSA key.
  static void SetUpTestSuite() {
    dir_ = std::make_unique<testing::TempDir>("relay7-tls-config");
    std::filesystem::create_directory(dir_->file("tls"));
    shop_ = testing::make_certificate(dir_->file("tls"), "shop", {"shop.example"});
    other_ = testing::make_certificate(dir_->file("tls"), "other", {"other.example"});
    rsa_ = testing::make_certificate(dir_->file("tls"), "shop-rsa", {"shop.example"},
                                     testing::KeyType::rsa_2048);
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static Json block(Json tls, std::string listen = "8443") {
    return Json{{"listen", {listen}},
                {"tls", std::move(tls)},
                {"locations", {{{"path", "/"}, {"return", 204}}}}};
  }
  static Json tls_with(Json certificates) {
    return Json{{"certificates", std::move(certificates)}};
  }
  static Json pair(const std::string& cert, const std::string& key) {
    return Json{{"cert", cert}, {"key", key}};
  }
  static Json shop_pair() { return pair("tls/shop.pem", "tls/shop.key"); }
  static Json servers(Json blocks) { return Json{{"servers", std::move(blocks)}}; }

  // Loaded as the file relay7.json of the temporary folder, so relative paths point into it.
  static ConfigLoadResult load(const Json& document) {
    return parse_config_text(document.dump(), dir_->file("relay7.json").string());
  }
  static std::vector<std::string> errors_of(const Json& document) {
    const ConfigLoadResult result = load(document);
    EXPECT_FALSE(result.ok()) << document.dump();
    return result.errors;
  }
  static std::string in_dir(const std::string& relative) { return dir_->file(relative).string(); }
  static std::string prefix() { return in_dir("relay7.json") + ": "; }

  static std::unique_ptr<testing::TempDir> dir_;
  static testing::CertificateFiles shop_;
  static testing::CertificateFiles other_;
  static testing::CertificateFiles rsa_;
};

std::unique_ptr<testing::TempDir> ServerTlsTest::dir_;
testing::CertificateFiles ServerTlsTest::shop_;
testing::CertificateFiles ServerTlsTest::other_;
testing::CertificateFiles ServerTlsTest::rsa_;

TEST_F(ServerTlsTest, ReadsPairsRelativeToTheConfigFolderWithDefaults) {
  const ConfigLoadResult result = load(servers({block(tls_with({shop_pair()}))}));
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(result.errors);
  const auto& tls = result.config->servers[0].tls;
  ASSERT_TRUE(tls);
  ASSERT_EQ(tls->certificates.size(), 1u);
  EXPECT_EQ(tls->certificates[0].cert, shop_.cert.string());
  EXPECT_EQ(tls->certificates[0].key, shop_.key.string());
  EXPECT_THAT(tls->protocols, ElementsAre(TlsProtocol::tls1_2, TlsProtocol::tls1_3));
  EXPECT_EQ(tls->handshake_timeout, std::chrono::seconds(10));
  ASSERT_TRUE(tls->context);
  EXPECT_EQ(SSL_CTX_get_min_proto_version(tls->context->get()), TLS1_2_VERSION);
  EXPECT_EQ(SSL_CTX_get_max_proto_version(tls->context->get()), TLS1_3_VERSION);
  EXPECT_NE(SSL_CTX_get_options(tls->context->get()) & SSL_OP_NO_RENEGOTIATION, 0u);
  EXPECT_NE(SSL_CTX_get_mode(tls->context->get()) & SSL_MODE_RELEASE_BUFFERS, 0u);
}

TEST_F(ServerTlsTest, ACertificateNotCoveringAServerNameLoadsWithAWarning) {
  Json shop = block(tls_with({shop_pair()}));
  shop["server_names"] = {"shop.example", "www.shop.example"};
  const ConfigLoadResult result = load(servers({shop}));
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(result.errors);
  EXPECT_THAT(
      result.warnings,
      ElementsAre(prefix() + "servers[0].tls.certificates[0].cert: " + in_dir("tls/shop.pem") +
                  " does not cover server name \"www.shop.example\" (it names "
                  "shop.example)"));
  shop["server_names"] = {"shop.example"};
  EXPECT_THAT(load(servers({shop})).warnings, ElementsAre());
}

TEST_F(ServerTlsTest, AbsolutePathsAndOneCertificatePerKeyType) {
  Json tls = tls_with({pair(shop_.cert.string(), shop_.key.string()),
                       pair("tls/shop-rsa.pem", "tls/shop-rsa.key")});
  tls["protocols"] = {"TLSv1.3"};
  tls["handshake_timeout"] = "2500ms";
  const ConfigLoadResult result = load(servers({block(tls)}));
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(result.errors);
  const auto& loaded = *result.config->servers[0].tls;
  EXPECT_EQ(loaded.certificates.size(), 2u);
  EXPECT_THAT(loaded.protocols, ElementsAre(TlsProtocol::tls1_3));
  EXPECT_EQ(loaded.handshake_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(SSL_CTX_get_min_proto_version(loaded.context->get()), TLS1_3_VERSION);
  const Json dumped = dump_config(*result.config)["servers"][0]["tls"];
  EXPECT_EQ(dumped["certificates"][1]["cert"], rsa_.cert.string());
  EXPECT_EQ(dumped["protocols"], Json({"TLSv1.3"}));
  EXPECT_EQ(dumped["handshake_timeout"], "2500ms");
}

TEST_F(ServerTlsTest, AMissingFileIsNamed) {
  EXPECT_THAT(errors_of(servers({block(tls_with({pair("tls/nope.pem", "tls/shop.key")}))})),
              ElementsAre(prefix() + "servers[0].tls.certificates[0].cert: cannot read " +
                          in_dir("tls/nope.pem") + ": No such file or directory"));
  EXPECT_THAT(errors_of(servers({block(tls_with({pair("tls/shop.pem", "nope.key")}))})),
              ElementsAre(prefix() + "servers[0].tls.certificates[0].key: cannot read " +
                          in_dir("nope.key") + ": No such file or directory"));
}

// A path that names a device, a FIFO or something huge fails at once: the master's load (and a
// reload) must not hang on it or read it into memory.
TEST_F(ServerTlsTest, OnlyARegularFileOfSaneSizeIsRead) {
  EXPECT_THAT(
      errors_of(servers({block(tls_with({pair("/dev/zero", "tls/shop.key")}))})),
      ElementsAre(prefix() + "servers[0].tls.certificates[0].cert: cannot read /dev/zero: not a "
                             "regular file"));
  const std::string fifo = in_dir("tls/fifo.key");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_THAT(errors_of(servers({block(tls_with({pair("tls/shop.pem", "tls/fifo.key")}))})),
              ElementsAre(prefix() + "servers[0].tls.certificates[0].key: cannot read " + fifo +
                          ": not a regular file"));
  const std::string big = in_dir("tls/big.pem");
  std::filesystem::copy_file(shop_.cert, big);
  std::filesystem::resize_file(big, 2 * 1024 * 1024);
  EXPECT_THAT(errors_of(servers({block(tls_with({pair("tls/big.pem", "tls/shop.key")}))})),
              ElementsAre(prefix() + "servers[0].tls.certificates[0].cert: cannot read " + big +
                          ": larger than 1 MiB, which no certificate chain or key is"));
}

TEST_F(ServerTlsTest, AKeyThatDoesNotMatchItsCertificate) {
  EXPECT_THAT(errors_of(servers({block(tls_with({pair("tls/shop.pem", "tls/other.key")}))})),
              ElementsAre(prefix() + "servers[0].tls.certificates[0].key: " + other_.key.string() +
                          " does not match the certificate in " + shop_.cert.string()));
}

TEST_F(ServerTlsTest, UnparsableCertificatesAndKeys) {
  testing::write_file(dir_->file("garbage.pem"), "not a certificate\n");
  const auto garbage = errors_of(servers({block(tls_with({pair("garbage.pem", "garbage.pem")}))}));
  ASSERT_EQ(garbage.size(), 2u);
  EXPECT_THAT(garbage[0],
              HasSubstr("servers[0].tls.certificates[0].cert: " + in_dir("garbage.pem") +
                        ": no PEM certificate could be parsed"));
  EXPECT_THAT(garbage[1], HasSubstr("servers[0].tls.certificates[0].key: " + in_dir("garbage.pem") +
                                    ": no PEM private key could be parsed"));

  // A valid leaf followed by a broken intermediate: the chain as a whole does not parse.
  testing::write_file(dir_->file("broken-chain.pem"),
                      testing::read_file(shop_.cert) +
                          "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  EXPECT_THAT(
      errors_of(servers({block(tls_with({pair("broken-chain.pem", "tls/shop.key")}))})),
      ElementsAre(HasSubstr("servers[0].tls.certificates[0].cert: " + in_dir("broken-chain.pem") +
                            ": certificate 2 of the chain could not be parsed")));
}

TEST_F(ServerTlsTest, TwoPairsOfOneKeyType) {
  EXPECT_THAT(
      errors_of(servers({block(tls_with({shop_pair(), pair("tls/other.pem", "tls/other.key")}))})),
      ElementsAre(prefix() + "servers[0].tls.certificates[1].key: " + other_.key.string() +
                  " has the same key type (id-ecPublicKey) as certificates[0]: a block takes at "
                  "most one certificate per key type"));
}

TEST_F(ServerTlsTest, ProtocolNames) {
  Json tls = tls_with({shop_pair()});
  tls["protocols"] = {"TLSv1.2", "tlsv1.3", "TLSv1.1", "TLSv1.2"};
  EXPECT_THAT(
      errors_of(servers({block(tls)})),
      ElementsAre(prefix() + "servers[0].tls.protocols[1]: \"tlsv1.3\" is not valid (did you "
                             "mean \"TLSv1.3\"?)",
                  prefix() + "servers[0].tls.protocols[2]: \"TLSv1.1\" is not supported: it is "
                             "broken or deprecated (RFC 8996); use \"TLSv1.2\" or \"TLSv1.3\"",
                  prefix() + "servers[0].tls.protocols[3]: duplicate protocol \"TLSv1.2\""));
  tls["protocols"] = Json::array();
  EXPECT_THAT(
      errors_of(servers({block(tls)})),
      ElementsAre(prefix() + "servers[0].tls.protocols: at least one protocol is required"));
}

TEST_F(ServerTlsTest, ShapeOfTheObject) {
  EXPECT_THAT(errors_of(servers({block(Json{{"certificate", Json::array({shop_pair()})}})})),
              ElementsAre(prefix() + "servers[0].tls: unknown key \"certificate\" (did you mean "
                                     "\"certificates\"?)",
                          prefix() + "servers[0].tls: missing required key \"certificates\""));
  EXPECT_THAT(
      errors_of(servers({block(tls_with(Json::array()))})),
      ElementsAre(prefix() + "servers[0].tls.certificates: at least one certificate is required"));
  EXPECT_THAT(
      errors_of(servers({block(tls_with({Json{{"cert", "tls/shop.pem"}}}))})),
      ElementsAre(prefix() + "servers[0].tls.certificates[0]: missing required key \"key\""));
  Json tls = tls_with({shop_pair()});
  tls["handshake_timeout"] = "0s";
  EXPECT_EQ(errors_of(servers({block(tls)})).size(), 1u);
}

TEST_F(ServerTlsTest, AnAddressCannotMixTlsAndPlainBlocks) {
  Json plain = block(nullptr);
  plain.erase("tls");
  plain["server_names"] = {"plain.example"};
  EXPECT_THAT(errors_of(servers({block(tls_with({shop_pair()})), plain})),
              ElementsAre(prefix() + "servers[1].listen[0]: 0.0.0.0:8443 is served without TLS "
                                     "here but with it by servers[0]: an address cannot mix TLS "
                                     "and plain server blocks; use another port for one of them"));
  plain["listen"] = {"8080"};
  EXPECT_TRUE(load(servers({block(tls_with({shop_pair()})), plain})).ok());
}

TEST_F(ServerTlsTest, TlsBlocksOnOneAddressShareTheirHandshakeSettings) {
  Json first = block(tls_with({shop_pair()}));
  first["server_names"] = {"shop.example"};
  Json second = block(tls_with({pair("tls/other.pem", "tls/other.key")}));
  second["server_names"] = {"other.example"};
  const ConfigLoadResult result = load(servers({first, second}));
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(result.errors);
  EXPECT_NE(result.config->servers[0].tls->context, result.config->servers[1].tls->context);

  second["tls"]["protocols"] = {"TLSv1.3"};
  EXPECT_THAT(errors_of(servers({first, second})),
              ElementsAre(prefix() + "servers[1].tls: protocols and handshake_timeout must be "
                                     "those of servers[0], the first block on 0.0.0.0:8443: they "
                                     "apply before SNI picks a block"));
}

}  // namespace
}  // namespace relay7
