#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace relay7::testing {

enum class KeyType { ecdsa_p256, rsa_2048 };

struct CertificateFiles {
  std::filesystem::path cert;
  std::filesystem::path key;
};

// A self-signed certificate valid for `names` (the first is also its subject CN; an IPv4
// address is an IP entry of its subjectAltName, anything else a DNS one) from now for `days`,
// with an unencrypted key, made by the openssl command line as `stem`.pem and `stem`.key in
// `dir`. Throws std::runtime_error (with openssl's output) when openssl fails.
CertificateFiles make_certificate(const std::filesystem::path& dir, std::string_view stem,
                                  const std::vector<std::string>& names,
                                  KeyType type = KeyType::ecdsa_p256, int days = 30);

}  // namespace relay7::testing
