#include "relay7/tls/certificate_pair.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <new>

#include "relay7/tls/openssl_error.h"
#include "relay7/tls/tls_file.h"

namespace relay7 {
namespace {

// The passphrase callback of PEM_read_bio_*: none. OpenSSL's default one would ask on the
// terminal, which a master started by systemd does not have.
int no_passphrase(char*, int, int, void*) {
  return 0;
}

// The whole file, or nullopt with an error naming it.
std::optional<std::string> read_file(const std::string& path, CertificateFile which,
                                     std::vector<CertificatePairError>& errors) {
  std::string error;
  std::optional<std::string> contents = read_tls_file(path, error);
  if (!contents) {
    errors.push_back({which, std::move(error)});
  }
  return contents;
}

// A BIO over `contents`, which must outlive it.
BioPtr memory_bio(const std::string& contents) {
  BioPtr bio(BIO_new_mem_buf(contents.data(), static_cast<int>(contents.size())));
  if (!bio) {
    throw std::bad_alloc();
  }
  return bio;
}

bool read_chain(const std::string& path, CertificatePair& pair,
                std::vector<CertificatePairError>& errors) {
  const std::optional<std::string> contents = read_file(path, CertificateFile::cert, errors);
  if (!contents) {
    return false;
  }
  const BioPtr bio = memory_bio(*contents);
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
  const std::optional<std::string> contents = read_file(path, CertificateFile::key, errors);
  if (!contents) {
    return false;
  }
  const BioPtr bio = memory_bio(*contents);
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

bool use_certificate_pair(SSL_CTX* context, const CertificatePair& pair) {
  if (SSL_CTX_use_certificate(context, pair.leaf.get()) != 1 ||
      SSL_CTX_use_PrivateKey(context, pair.key.get()) != 1) {
    return false;
  }
  // The chain goes with the certificate just set (each key type has its own).
  for (const X509Ptr& intermediate : pair.chain) {
    if (SSL_CTX_add1_chain_cert(context, intermediate.get()) != 1) {
      return false;
    }
  }
  return true;
}

}  // namespace relay7
