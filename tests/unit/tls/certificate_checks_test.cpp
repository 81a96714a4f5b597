#include "relay7/tls/certificate_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <cstdio>
#include <memory>

#include "relay7/tls/handles.h"
#include "support/temp_dir.h"
#include "support/test_certificates.h"

namespace relay7 {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::time_t kDay = 24 * 60 * 60;

X509Ptr read_leaf(const std::filesystem::path& path) {
  std::unique_ptr<FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "r"), std::fclose);
  EXPECT_TRUE(file) << path;
  return X509Ptr(file ? PEM_read_X509(file.get(), nullptr, nullptr, nullptr) : nullptr);
}

class CertificateChecksTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<testing::TempDir>("relay7-certificate-checks");
    const auto files = testing::make_certificate(
        dir_->path(), "shop", {"shop.example", "*.img.example"}, testing::KeyType::ecdsa_p256, 30);
    leaf_ = read_leaf(files.cert).release();
  }
  static void TearDownTestSuite() {
    X509_free(leaf_);
    dir_.reset();
  }

  static std::vector<std::string> warnings(const std::vector<std::string>& names,
                                           std::time_t later = 0) {
    return certificate_warnings(leaf_, "tls/shop.pem", names, std::time(nullptr) + later);
  }

  static std::unique_ptr<testing::TempDir> dir_;
  static X509* leaf_;
};

std::unique_ptr<testing::TempDir> CertificateChecksTest::dir_;
X509* CertificateChecksTest::leaf_ = nullptr;

TEST_F(CertificateChecksTest, ACertificateCoveringEveryNameWithTimeLeftIsQuiet) {
  ASSERT_NE(leaf_, nullptr);
  EXPECT_THAT(warnings({"shop.example", "a.img.example", "*.img.example"}), ElementsAre());
  EXPECT_THAT(warnings({}, 15 * kDay), ElementsAre());
}

TEST_F(CertificateChecksTest, NamesTheServerNamesItDoesNotCover) {
  EXPECT_THAT(warnings({"www.shop.example", "*.shop.example", "img.example", "a.b.img.example"}),
              ElementsAre("tls/shop.pem does not cover server name \"www.shop.example\" (it "
                          "names shop.example, *.img.example)",
                          "tls/shop.pem does not cover server name \"*.shop.example\" (it names "
                          "shop.example, *.img.example)",
                          "tls/shop.pem does not cover server name \"img.example\" (it names "
                          "shop.example, *.img.example)",
                          "tls/shop.pem does not cover server name \"a.b.img.example\" (it names "
                          "shop.example, *.img.example)"));
}

TEST_F(CertificateChecksTest, WarnsWithinFourteenDaysOfExpiry) {
  const std::vector<std::string> soon = warnings({}, 20 * kDay + 3600);
  ASSERT_EQ(soon.size(), 1u);
  EXPECT_THAT(soon[0], HasSubstr("tls/shop.pem expires in 9 days ("));
  EXPECT_THAT(soon[0], HasSubstr(" GMT); renew it and reload"));
  EXPECT_THAT(warnings({}, 29 * kDay + 3600), ElementsAre(HasSubstr("expires in 0 days")));
}

TEST_F(CertificateChecksTest, SaysWhenItHasExpired) {
  EXPECT_THAT(warnings({"shop.example"}, 31 * kDay),
              ElementsAre(HasSubstr("tls/shop.pem has expired (")));
}

}  // namespace
}  // namespace relay7
