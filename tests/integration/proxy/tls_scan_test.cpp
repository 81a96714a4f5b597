// relay7's TLS as a scanner sees it: sslscan (Debian's, on OpenSSL 3) against a block with an
// ECDSA and an RSA certificate, so every cipher of both key types is offered. What an auditor
// checks: no SSL or TLS before 1.2, only the Mozilla "intermediate" ciphers (no CBC, RC4, 3DES,
// NULL, export or anonymous suite, none under 128 bits), no insecure renegotiation, no
// compression, not vulnerable to Heartbleed.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/child_process.h"
#include "support/relay7_process.h"
#include "support/temp_dir.h"
#include "support/test_certificates.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSslscan = "/usr/bin/sslscan";

const std::set<std::string> kIntermediateCiphers{
    "TLS_AES_128_GCM_SHA256",       "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",  "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",  "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",  "DHE-RSA-AES128-GCM-SHA256",
    "DHE-RSA-AES256-GCM-SHA384",    "DHE-RSA-CHACHA20-POLY1305",
};

struct ScannedCipher {
  std::string protocol;
  int bits = 0;
  std::string name;
};

// The "Accepted"/"Preferred" lines of sslscan's cipher list: "Accepted  TLSv1.2  256 bits  NAME".
std::vector<ScannedCipher> ciphers_of(const std::string& report) {
  std::vector<ScannedCipher> ciphers;
  std::istringstream lines(report);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("Accepted") && !line.starts_with("Preferred")) {
      continue;
    }
    std::istringstream words(line);
    ScannedCipher cipher;
    std::string verdict;
    std::string bits_word;
    words >> verdict >> cipher.protocol >> cipher.bits >> bits_word >> cipher.name;
    ciphers.push_back(cipher);
  }
  return ciphers;
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

bool has_line(const std::string& report, const std::string& line) {
  return report.find("\n" + line + "\n") != std::string::npos;
}

class TlsScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kSslscan, X_OK) != 0) {
      GTEST_SKIP() << kSslscan << " is not installed (make deps installs it)";
    }
    dir_ = std::make_unique<TempDir>("relay7-tls-scan");
    const CertificateFiles ecdsa = make_certificate(dir_->path(), "ecdsa", {"scan.example"});
    const CertificateFiles rsa =
        make_certificate(dir_->path(), "rsa", {"scan.example"}, KeyType::rsa_2048);
    nlohmann::json config = {{"servers",
                              {{{"listen", {"127.0.0.1:0"}},
                                {"server_names", {"scan.example"}},
                                {"tls",
                                 {{"certificates",
                                   {{{"cert", ecdsa.cert.string()}, {"key", ecdsa.key.string()}},
                                    {{"cert", rsa.cert.string()}, {"key", rsa.key.string()}}}}}},
                                {"locations", {{{"path", "/"}, {"return", 204}}}}}}}};
    relay_ = std::make_unique<Relay7Process>(config);
  }

  std::string scan() {
    ChildProcess sslscan({kSslscan, "--no-colour", "--sni-name=scan.example",
                          "127.0.0.1:" + std::to_string(relay_->port())});
    const std::optional<int> status = sslscan.wait_exit(120s);
    EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << sslscan.stderr_text();
    return "\n" + sslscan.stdout_text();
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<Relay7Process> relay_;
};

TEST_F(TlsScanTest, OffersOnlyTls12And13WithIntermediateCiphersAndNoWeakness) {
  const std::string report = scan();
  for (const char* line : {"SSLv2     disabled", "SSLv3     disabled", "TLSv1.0   disabled",
                           "TLSv1.1   disabled", "TLSv1.2   enabled", "TLSv1.3   enabled"}) {
    EXPECT_TRUE(has_line(report, line)) << line << "\n" << report;
  }
  const std::vector<ScannedCipher> ciphers = ciphers_of(report);
  std::set<std::string> seen;
  for (const ScannedCipher& cipher : ciphers) {
    EXPECT_TRUE(kIntermediateCiphers.contains(cipher.name)) << cipher.name;
    EXPECT_GE(cipher.bits, 128) << cipher.name;
    EXPECT_TRUE(cipher.protocol == "TLSv1.2" || cipher.protocol == "TLSv1.3") << cipher.name;
    seen.insert(cipher.name);
  }
  // Both certificates answer: ECDSA and RSA suites, and TLS 1.3's three.
  for (const char* expected : {"TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
                               "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384"}) {
    EXPECT_TRUE(seen.contains(expected)) << expected << "\n" << report;
  }
  EXPECT_EQ(report.find("Insecure session renegotiation supported"), std::string::npos) << report;
  EXPECT_TRUE(has_line(report, "Session renegotiation not supported") ||
              has_line(report, "Secure session renegotiation supported"))
      << report;
  EXPECT_EQ(report.find("Compression enabled"), std::string::npos) << report;
  // One line per protocol, each saying "not vulnerable".
  EXPECT_EQ(count_of(report, "vulnerable to heartbleed"), 2u) << report;
  EXPECT_EQ(count_of(report, "not vulnerable to heartbleed"), 2u) << report;
}

}  // namespace
}  // namespace relay7::testing
