#include <algorithm>
#include <array>

#include "nginx_import/translation.h"
#include "nginx_import/values.h"

namespace relay7::nginx_import {
namespace {

struct ProtocolName {
  std::string_view nginx;
  std::string_view relay7;  // empty: relay7 refuses it
};

constexpr auto kProtocols = std::to_array<ProtocolName>({
    {"SSLv2", ""},
    {"SSLv3", ""},
    {"TLSv1", ""},
    {"TLSv1.1", ""},
    {"TLSv1.2", "TLSv1.2"},
    {"TLSv1.3", "TLSv1.3"},
});

// Another ssl_certificate (or _key) of the same level adds a pair; one from an outer level is
// replaced as a whole, as nginx does.
void append_path(Translation& t, const Directive& d,
                 std::optional<Sourced<std::vector<std::string>>>& list) {
  const std::string& path = d.args[0];
  if (path.starts_with("data:") || path.starts_with("engine:") || has_variable(path)) {
    t.not_translated(d, "relay7 reads certificates and keys from files named in its config");
    return;
  }
  if (!list) {
    list = Sourced<std::vector<std::string>>{{}, d.where};
  }
  list->value.push_back(t.config_path(d, path));
}

void translate_protocols(Translation& t, const Directive& d, TlsSettings& tls) {
  std::vector<std::string> kept;
  std::vector<std::string> refused;
  for (const std::string& name : d.args) {
    const auto known = std::find_if(kProtocols.begin(), kProtocols.end(),
                                    [&](const ProtocolName& p) { return p.nginx == name; });
    if (known == kProtocols.end()) {
      t.invalid_value(d, name, "SSLv2, SSLv3, TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3");
      return;
    }
    if (known->relay7.empty()) {
      refused.push_back(name);
    } else if (std::find(kept.begin(), kept.end(), known->relay7) == kept.end()) {
      kept.emplace_back(known->relay7);
    }
  }
  if (kept.empty()) {
    t.not_translated(d, "relay7 speaks TLS 1.2 and 1.3 only (RFC 8996 deprecates the others)");
    return;
  }
  if (!refused.empty()) {
    std::string list;
    for (const std::string& name : refused) {
      list.append(list.empty() ? "" : ", ").append(name);
    }
    t.messages.warning(d.where, list +
                                    " dropped: relay7 speaks TLS 1.2 and 1.3 only (RFC 8996 "
                                    "deprecates the others)");
  }
  tls.protocols = Sourced<std::vector<std::string>>{std::move(kept), d.where};
}

}  // namespace

bool translate_tls_setting(Translation& t, const Directive& d, TlsSettings& tls) {
  if (d.name == "ssl_certificate") {
    append_path(t, d, tls.certificates);
  } else if (d.name == "ssl_certificate_key") {
    append_path(t, d, tls.keys);
  } else if (d.name == "ssl_protocols") {
    translate_protocols(t, d, tls);
  } else {
    return false;
  }
  return true;
}

void check_tls_servers(const ConfigModel& model, MessageList& messages) {
  for (const ServerModel& server : model.servers) {
    const auto tls_listen = std::find_if(server.listen.begin(), server.listen.end(),
                                         [](const ListenModel& listen) { return listen.ssl; });
    if (tls_listen == server.listen.end()) {
      continue;
    }
    const TlsSettings& tls = server.settings.tls;
    const size_t certificates = tls.certificates ? tls.certificates->value.size() : 0;
    const size_t keys = tls.keys ? tls.keys->value.size() : 0;
    if (certificates == 0) {
      messages.error(tls_listen->where,
                     "no \"ssl_certificate\" is defined for the \"listen ... ssl\" directive");
    } else if (keys != certificates) {
      messages.error(tls.certificates->where,
                     std::to_string(certificates) + " ssl_certificate but " + std::to_string(keys) +
                         " ssl_certificate_key: each certificate needs its key");
    }
  }
}

}  // namespace relay7::nginx_import
