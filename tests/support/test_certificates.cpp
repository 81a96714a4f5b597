#include "test_certificates.h"

#include <sys/wait.h>

#include <chrono>
#include <stdexcept>

#include "child_process.h"

namespace relay7::testing {
namespace {

bool is_ipv4(const std::string& name) {
  return name.find_first_not_of("0123456789.") == std::string::npos;
}

}  // namespace

CertificateFiles make_certificate(const std::filesystem::path& dir, std::string_view stem,
                                  const std::vector<std::string>& names, KeyType type, int days) {
  const CertificateFiles files{dir / (std::string(stem) + ".pem"),
                               dir / (std::string(stem) + ".key")};
  std::string alt_names = "subjectAltName=";
  for (size_t i = 0; i < names.size(); ++i) {
    alt_names += std::string(i == 0 ? "" : ",") + (is_ipv4(names[i]) ? "IP:" : "DNS:") + names[i];
  }
  std::vector<std::string> argv{"/usr/bin/openssl", "req", "-x509", "-newkey"};
  if (type == KeyType::ecdsa_p256) {
    argv.insert(argv.end(), {"ec", "-pkeyopt", "ec_paramgen_curve:P-256"});
  } else {
    argv.insert(argv.end(), {"rsa:2048"});
  }
  argv.insert(argv.end(),
              {"-nodes", "-days", std::to_string(days), "-subj", "/CN=" + names.at(0), "-addext",
               alt_names, "-keyout", files.key.string(), "-out", files.cert.string()});
  ChildProcess openssl(argv);
  const auto status = openssl.wait_exit(std::chrono::seconds(30));
  if (!status || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    throw std::runtime_error("openssl req failed for " + files.cert.string() + ": " +
                             openssl.stderr_text());
  }
  return files;
}

}  // namespace relay7::testing
