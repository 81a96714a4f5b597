#include "relay7/tls/certificate_checks.h"

#include <openssl/asn1.h>
#include <openssl/x509v3.h>

#include <memory>

namespace relay7 {
namespace {

// A label no real host is called, so only a wildcard certificate covers "PROBE.example.com".
constexpr std::string_view kWildcardProbe = "relay7-wildcard-probe";

struct GeneralNamesDeleter {
  void operator()(GENERAL_NAMES* names) const { GENERAL_NAMES_free(names); }
};

std::string asn1_time_text(const ASN1_TIME* time) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || ASN1_TIME_print(bio.get(), time) != 1) {
    return "an unreadable date";
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(length));
}

// The whole days from `now` to `time`: negative once it has passed.
bool days_until(const ASN1_TIME* time, std::time_t now, int& days) {
  std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> from(ASN1_TIME_set(nullptr, now),
                                                             ASN1_TIME_free);
  int seconds = 0;
  if (!from || ASN1_TIME_diff(&days, &seconds, from.get(), time) != 1) {
    return false;
  }
  if (days == 0 && seconds < 0) {
    days = -1;  // expired today: still expired
  }
  return true;
}

std::string expiry_warning(X509* leaf, const std::string& file, std::time_t now) {
  const ASN1_TIME* not_after = X509_get0_notAfter(leaf);
  int days = 0;
  if (!days_until(not_after, now, days)) {
    return file + ": the expiry date cannot be read";
  }
  const std::string when = " (" + asn1_time_text(not_after) + ")";
  if (days < 0) {
    return file + " has expired" + when + "; clients refuse it";
  }
  if (days < kCertificateExpiryWarningDays) {
    return file + " expires in " + std::to_string(days) + (days == 1 ? " day" : " days") + when +
           "; renew it and reload";
  }
  return {};
}

bool covers(X509* leaf, const std::string& name) {
  std::string host = name;
  if (host.starts_with("*.")) {
    host = std::string(kWildcardProbe) + host.substr(1);
  }
  return X509_check_host(leaf, host.data(), host.size(), 0, nullptr) == 1;
}

// The DNS names of the subjectAltName extension, for the message: "a.example, *.b.example".
std::string names_of(X509* leaf) {
  std::unique_ptr<GENERAL_NAMES, GeneralNamesDeleter> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(leaf, NID_subject_alt_name, nullptr, nullptr)));
  std::string out;
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* entry = sk_GENERAL_NAME_value(names.get(), i);
    if (entry->type != GEN_DNS) {
      continue;
    }
    const ASN1_STRING* dns = entry->d.dNSName;
    out.append(out.empty() ? "" : ", ");
    const unsigned char* bytes = ASN1_STRING_get0_data(dns);
    for (int at = 0; at < ASN1_STRING_length(dns); ++at) {
      // The file is the operator's, but a control byte would still split a log line.
      out.push_back(bytes[at] < 0x20 || bytes[at] >= 0x7f ? '?' : static_cast<char>(bytes[at]));
    }
  }
  return out.empty() ? "no DNS name" : out;
}

}  // namespace

std::vector<std::string> certificate_warnings(X509* leaf, const std::string& file,
                                              const std::vector<std::string>& server_names,
                                              std::time_t now) {
  std::vector<std::string> warnings;
  if (std::string expiry = expiry_warning(leaf, file, now); !expiry.empty()) {
    warnings.push_back(std::move(expiry));
  }
  for (const std::string& name : server_names) {
    if (!covers(leaf, name)) {
      warnings.push_back(file + " does not cover server name \"" + name + "\" (it names " +
                         names_of(leaf) + ")");
    }
  }
  return warnings;
}

}  // namespace relay7
