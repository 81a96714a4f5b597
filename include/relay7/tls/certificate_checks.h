#pragma once

#include <openssl/x509.h>

#include <ctime>
#include <string>
#include <vector>

namespace relay7 {

// A certificate expiring within this many days makes `-t` and a reload warn: certbot renews 30
// days ahead, so one this close means renewal is failing.
inline constexpr int kCertificateExpiryWarningDays = 14;

// What a certificate that loads will likely get wrong, one message per problem, each starting
// with `file` (the certificate's path as the config names it):
// - it has expired, or expires within kCertificateExpiryWarningDays of `now`;
// - it does not cover one of `server_names` (lower-case; "*.example.com" is covered by a
//   wildcard certificate for example.com), so clients asking for that name refuse it.
std::vector<std::string> certificate_warnings(X509* leaf, const std::string& file,
                                              const std::vector<std::string>& server_names,
                                              std::time_t now);

}  // namespace relay7
