#include "config/server_tls.h"

#include <algorithm>
#include <ctime>

#include "config/file_path.h"
#include "config/global_settings.h"
#include "config/json_path.h"
#include "relay7/tls/certificate_checks.h"
#include "relay7/tls/server_context.h"

namespace relay7::config {
namespace {

// Names a user may try that relay7 refuses on purpose, with no "did you mean" that would suggest
// a neighbouring version number.
constexpr std::string_view kInsecureProtocols[] = {"SSLv2", "SSLv3", "TLSv1", "TLSv1.0", "TLSv1.1"};

std::optional<TlsCertificateConfig> read_certificate(const Node& node,
                                                     const std::filesystem::path& config_dir,
                                                     Diagnostics& diagnostics) {
  const auto object = ObjectReader::open(node, {"cert", "key"}, diagnostics);
  if (!object) {
    return std::nullopt;
  }
  std::optional<std::string> cert;
  std::optional<std::string> key;
  if (const auto value = object->require("cert", diagnostics)) {
    cert = read_non_empty_string(*value, diagnostics);
  }
  if (const auto value = object->require("key", diagnostics)) {
    key = read_non_empty_string(*value, diagnostics);
  }
  if (!cert || !key) {
    return std::nullopt;
  }
  return TlsCertificateConfig{config_file_path(config_dir, *cert),
                              config_file_path(config_dir, *key)};
}

// Every entry, or nullopt when any is malformed (the files are only read for a whole list).
std::optional<std::vector<TlsCertificateConfig>> read_certificates(
    const Node& node, const std::filesystem::path& config_dir, Diagnostics& diagnostics) {
  const auto entries = read_array(node, "{\"cert\", \"key\"} objects", diagnostics);
  if (!entries) {
    return std::nullopt;
  }
  if (entries->empty()) {
    diagnostics.error(node.path, "at least one certificate is required");
    return std::nullopt;
  }
  std::vector<TlsCertificateConfig> certificates;
  bool complete = true;
  for (const Node& entry : *entries) {
    if (auto certificate = read_certificate(entry, config_dir, diagnostics)) {
      certificates.push_back(std::move(*certificate));
    } else {
      complete = false;
    }
  }
  if (!complete) {
    return std::nullopt;
  }
  return certificates;
}

std::optional<TlsProtocol> read_protocol(const Node& node, Diagnostics& diagnostics) {
  if (node.value.is_string()) {
    const auto& name = node.value.get_ref<const std::string&>();
    if (std::find(std::begin(kInsecureProtocols), std::end(kInsecureProtocols), name) !=
        std::end(kInsecureProtocols)) {
      diagnostics.error(node.path, quote_json(name) +
                                       " is not supported: it is broken or deprecated "
                                       "(RFC 8996); use \"TLSv1.2\" or \"TLSv1.3\"");
      return std::nullopt;
    }
  }
  const std::vector<std::string_view> names(std::begin(kTlsProtocolNames),
                                            std::end(kTlsProtocolNames));
  if (const auto index = read_choice(node, names, diagnostics)) {
    return static_cast<TlsProtocol>(*index);
  }
  return std::nullopt;
}

void read_protocols(const Node& node, ServerTlsConfig& tls, Diagnostics& diagnostics) {
  const auto entries = read_array(node, "protocol names", diagnostics);
  if (!entries) {
    return;
  }
  if (entries->empty()) {
    diagnostics.error(node.path, "at least one protocol is required");
    return;
  }
  std::vector<TlsProtocol> protocols;
  for (const Node& entry : *entries) {
    const auto protocol = read_protocol(entry, diagnostics);
    if (!protocol) {
      continue;
    }
    if (std::find(protocols.begin(), protocols.end(), *protocol) != protocols.end()) {
      diagnostics.error(entry.path,
                        "duplicate protocol " + quote_json(entry.value.get<std::string>()));
      continue;
    }
    protocols.push_back(*protocol);
  }
  if (!protocols.empty()) {
    std::sort(protocols.begin(), protocols.end());
    tls.protocols = std::move(protocols);
  }
}

void warn_about_certificates(const Node& certificates_node, const ServerTlsConfig& tls,
                             const std::vector<std::string>& server_names,
                             Diagnostics& diagnostics) {
  const std::time_t now = std::time(nullptr);
  for (size_t i = 0; i < tls.context->leaves().size(); ++i) {
    const std::string path = path_key(path_index(certificates_node.path, i), "cert");
    for (const std::string& warning : certificate_warnings(
             tls.context->leaves()[i].get(), tls.certificates[i].cert, server_names, now)) {
      diagnostics.warning(path, warning);
    }
  }
}

void load_context(const Node& certificates_node, ServerTlsConfig& tls,
                  const std::vector<std::string>& server_names, Diagnostics& diagnostics) {
  std::vector<TlsFileError> errors;
  tls.context = ServerTlsContext::load(tls, errors);
  for (const TlsFileError& error : errors) {
    const std::string entry = path_index(certificates_node.path, error.certificate);
    diagnostics.error(path_key(entry, error.in_key ? "key" : "cert"), error.message);
  }
  if (tls.context) {
    warn_about_certificates(certificates_node, tls, server_names, diagnostics);
  }
}

}  // namespace

std::optional<ServerTlsConfig> read_server_tls(const Node& node,
                                               const std::filesystem::path& config_dir,
                                               const std::vector<std::string>& server_names,
                                               bool http2, Diagnostics& diagnostics) {
  const auto object =
      ObjectReader::open(node, {"certificates", "protocols", "handshake_timeout"}, diagnostics);
  if (!object) {
    return std::nullopt;
  }
  ServerTlsConfig tls;
  tls.alpn_h2 = http2;
  std::optional<Node> certificates_node = object->require("certificates", diagnostics);
  std::optional<std::vector<TlsCertificateConfig>> certificates;
  if (certificates_node) {
    certificates = read_certificates(*certificates_node, config_dir, diagnostics);
  }
  if (const auto protocols = object->find("protocols")) {
    read_protocols(*protocols, tls, diagnostics);
  }
  if (const auto timeout = object->find("handshake_timeout")) {
    assign_if(tls.handshake_timeout,
              read_duration(*timeout, Duration(1), kMaxTimeout, diagnostics));
  }
  if (certificates) {
    tls.certificates = std::move(*certificates);
    load_context(*certificates_node, tls, server_names, diagnostics);
  }
  return tls;
}

}  // namespace relay7::config
