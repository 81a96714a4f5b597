#include "relay7/tls/certificate_pair.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <cerrno>
#include <cstring>

#include "relay7/tls/openssl_error.h"

namespace relay7 {
namespace {

// The passphrase callback of PEM_read_bio_*: none. OpenSSL's default one would ask on the
// terminal, which a master started by systemd does not have.
int no_passphrase(char*, int, int, void*) {
  return 0;
}

BioPtr open_file(const std::string& path, CertificateFile which,
                 std::vector<CertificatePairError>& errors) {
  errno = 0;
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) {
    const int error = errno;
    errors.push_back({which, "cannot read " + path + ": " +
                                 (error != 0 ? std::strerror(error) : take_openssl_error())});
    ERR_clear_error();
  }
  return bio;
}

bool read_chain(const std::string& path, CertificatePair& pair,
                std::vector<CertificatePairError>& errors) {
  const BioPtr bio = open_file(path, CertificateFile::cert, errors);
  if (!bio) {
    return false;
  }
  pair.leaf.reset(PEM_read_bio_X509_AUX(bio.get(), nullptr, no_passphrase, nullptr));
  if (!pair.leaf) {
    errors.push_back({CertificateFile::cert, path + ": no PEM certificate could be parsed (" +
                                                 take_openssl_error() + ")"});
    return false;
  }
  while (X509Ptr next{PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr)}) {
    pair.chain.push_back(std::move(next));
  }
  // The loop ends at the end of the file (PEM_R_NO_START_LINE) or at a block that does not parse.
  const unsigned long code = ERR_peek_last_error();
  if (code != 0 &&
      !(ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE)) {
    errors.push_back({CertificateFile::cert,
                      path + ": certificate " + std::to_string(pair.chain.size() + 2) +
                          " of the chain could not be parsed (" + take_openssl_error() + ")"});
    return false;
  }
  ERR_clear_error();
  return true;
}

bool read_key(const std::string& path, CertificatePair& pair,
              std::vector<CertificatePairError>& errors) {
  const BioPtr bio = open_file(path, CertificateFile::key, errors);
  if (!bio) {
    return false;
  }
  pair.key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  if (!pair.key) {
    errors.push_back({CertificateFile::key, path + ": no PEM private key could be parsed (" +
                                                take_openssl_error() +
                                                "; a key encrypted with a passphrase is not "
                                                "supported)"});
    return false;
  }
  return true;
}

}  // namespace

std::optional<CertificatePair> read_certificate_pair(const std::string& cert_path,
                                                     const std::string& key_path,
                                                     std::vector<CertificatePairError>& errors) {
  CertificatePair pair;
  const bool chain_read = read_chain(cert_path, pair, errors);
  const bool key_read = read_key(key_path, pair, errors);
  if (!chain_read || !key_read) {
    return std::nullopt;
  }
  if (X509_check_private_key(pair.leaf.get(), pair.key.get()) != 1) {
    ERR_clear_error();
    errors.push_back(
        {CertificateFile::key, key_path + " does not match the certificate in " + cert_path});
    return std::nullopt;
  }
  return pair;
}

}  // namespace relay7
