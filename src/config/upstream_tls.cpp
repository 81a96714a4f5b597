#include "config/upstream_tls.h"

#include <algorithm>
#include <cctype>

#include "config/file_path.h"
#include "config/json_path.h"
#include "relay7/tls/upstream_context.h"

namespace relay7::config {
namespace {

constexpr std::string_view kFileKeys[] = {"ca", "cert", "key"};  // by UpstreamTlsFile

// A DNS name or an IP address: what SNI and the certificate check can use. Anything else (a
// port, a scheme, a space) would never match a certificate.
bool plausible_server_name(const std::string& name) {
  return name.size() <= 253 && std::all_of(name.begin(), name.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
                  c == '_';
         });
}

std::optional<std::string> read_server_name(const Node& node, Diagnostics& diagnostics) {
  auto name = read_non_empty_string(node, diagnostics);
  if (name && !plausible_server_name(*name)) {
    diagnostics.error(node.path, quote_json(*name) +
                                     " is not a host name or IP address (expected e.g. "
                                     "\"api.internal\", without scheme or port)");
    return std::nullopt;
  }
  return name;
}

std::optional<std::string> read_path(const ObjectReader& object, std::string_view key,
                                     const std::filesystem::path& config_dir,
                                     Diagnostics& diagnostics) {
  const auto node = object.find(key);
  if (!node) {
    return std::string();
  }
  const auto path = read_non_empty_string(*node, diagnostics);
  if (!path) {
    return std::nullopt;
  }
  return config_file_path(config_dir, *path);
}

std::string tls_path(const std::string& upstream) {
  return path_key(path_key("upstreams", upstream), "tls");
}

// One upstream whose scheme is known (`uses`); false when the combination is an error.
bool check_scheme(const UpstreamConfig& upstream, const UpstreamCatalog::SchemeUses& uses,
                  Diagnostics& diagnostics) {
  if (!uses.http.empty() && !uses.https.empty()) {
    diagnostics.error(uses.https, "upstream " + quote_json(upstream.name) +
                                      " is named with \"https://\" here and with \"http://\" at " +
                                      uses.http +
                                      ": one upstream speaks one protocol (define another "
                                      "upstream with the same servers for the other)");
    return false;
  }
  if (upstream.tls && !uses.http.empty()) {
    diagnostics.error(tls_path(upstream.name),
                      "only for an upstream that proxy_pass names with \"https://\"; " +
                          quote_json(upstream.name) + " is named with \"http://\" at " + uses.http);
    return false;
  }
  return true;
}

void load_context(const UpstreamConfig& upstream, UpstreamTlsConfig& tls,
                  Diagnostics& diagnostics) {
  std::vector<UpstreamTlsFileError> errors;
  tls.context = UpstreamTlsContext::load(tls, errors);
  for (const UpstreamTlsFileError& error : errors) {
    diagnostics.error(path_key(tls_path(upstream.name), kFileKeys[static_cast<size_t>(error.file)]),
                      error.message);
  }
}

}  // namespace

std::optional<UpstreamTlsConfig> read_upstream_tls(const Node& node,
                                                   const std::filesystem::path& config_dir,
                                                   Diagnostics& diagnostics) {
  const auto object =
      ObjectReader::open(node, {"ca", "server_name", "verify", "cert", "key"}, diagnostics);
  if (!object) {
    return std::nullopt;
  }
  UpstreamTlsConfig tls;
  const auto ca = read_path(*object, "ca", config_dir, diagnostics);
  const auto cert = read_path(*object, "cert", config_dir, diagnostics);
  const auto key = read_path(*object, "key", config_dir, diagnostics);
  bool valid = ca && cert && key;
  if (const auto server_name = object->find("server_name")) {
    const auto name = read_server_name(*server_name, diagnostics);
    valid = valid && name;
    tls.server_name = name.value_or("");
  }
  if (const auto verify = object->find("verify")) {
    const auto value = read_bool(*verify, diagnostics);
    valid = valid && value;
    tls.verify = value.value_or(true);
  }
  if (cert && key && cert->empty() != key->empty()) {
    diagnostics.error(node.path, cert->empty() ? "\"key\" needs a \"cert\" (the client certificate)"
                                               : "\"cert\" needs a \"key\" (its private key)");
    valid = false;
  }
  if (!valid) {
    return std::nullopt;
  }
  tls.ca = *ca;
  tls.cert = *cert;
  tls.key = *key;
  return tls;
}

void apply_upstream_schemes(std::vector<UpstreamConfig>& upstreams,
                            const std::map<std::string, UpstreamCatalog::SchemeUses>& uses,
                            Diagnostics& diagnostics) {
  for (UpstreamConfig& upstream : upstreams) {
    const auto used = uses.find(upstream.name);
    if (used != uses.end()) {
      if (!check_scheme(upstream, used->second, diagnostics)) {
        continue;
      }
      if (!used->second.https.empty() && !upstream.tls) {
        upstream.tls.emplace();
      }
    }
    // An upstream no proxy_pass names keeps its "tls" and has its files checked all the same.
    if (upstream.tls) {
      load_context(upstream, *upstream.tls, diagnostics);
    }
  }
}

}  // namespace relay7::config
