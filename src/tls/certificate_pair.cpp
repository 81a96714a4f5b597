#include "relay7/tls/certificate_pair.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

#include "relay7/net/unique_fd.h"
#include "relay7/tls/openssl_error.h"

namespace relay7 {
namespace {

// The passphrase callback of PEM_read_bio_*: none. OpenSSL's default one would ask on the
// terminal, which a master started by systemd does not have.
int no_passphrase(char*, int, int, void*) {
  return 0;
}

// A chain of a dozen certificates is tens of KiB: a path that names a device, a log or a disk
// image must fail at once rather than hang the master's load or fill its memory.
constexpr size_t kMaxFileBytes = 1024 * 1024;

// The whole file, or nullopt with an error naming it. Reads it with relay7's own limits; OpenSSL
// then parses the bytes from memory.
std::optional<std::string> read_file(const std::string& path, CertificateFile which,
                                     std::vector<CertificatePairError>& errors) {
  const auto fail = [&](const std::string& why) {
    errors.push_back({which, "cannot read " + path + ": " + why});
    return std::nullopt;
  };
  // O_NONBLOCK: opening a FIFO must not wait for a writer.
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  struct stat status {};
  if (!fd.valid() || ::fstat(fd.get(), &status) != 0) {
    return fail(std::strerror(errno));
  }
  if (!S_ISREG(status.st_mode)) {
    return fail("not a regular file");
  }
  std::string contents;
  char chunk[16 * 1024];
  while (true) {
    const ssize_t got = ::read(fd.get(), chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      return fail(std::strerror(errno));
    }
    if (got == 0) {
      return contents;
    }
    contents.append(chunk, static_cast<size_t>(got));
    if (contents.size() > kMaxFileBytes) {
      return fail("larger than 1 MiB, which no certificate chain or key is");
    }
  }
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

}  // namespace relay7
