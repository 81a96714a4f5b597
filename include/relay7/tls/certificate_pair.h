#pragma once

#include <openssl/ssl.h>

#include <optional>
#include <string>
#include <vector>

#include "relay7/tls/handles.h"

namespace relay7 {

// A certificate chain (leaf first) and the private key that goes with it, read from PEM files.
struct CertificatePair {
  X509Ptr leaf;
  std::vector<X509Ptr> chain;  // intermediates, in file order
  EvpPkeyPtr key;
};

// Which file a CertificatePairError is about.
enum class CertificateFile { cert, key };

struct CertificatePairError {
  CertificateFile file;
  std::string message;  // names the file and says what is wrong with it
};

// Reads `cert_path` (one or more PEM certificates, leaf first) and `key_path` (an unencrypted PEM
// private key) and checks that the key belongs to the leaf. Never prompts for a passphrase.
std::optional<CertificatePair> read_certificate_pair(const std::string& cert_path,
                                                     const std::string& key_path,
                                                     std::vector<CertificatePairError>& errors);

// Makes `pair` the certificate `context` presents (one per key type), its chain with it. False
// when OpenSSL refuses it (the reason is on its error queue).
bool use_certificate_pair(SSL_CTX* context, const CertificatePair& pair);

}  // namespace relay7
