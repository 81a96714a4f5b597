#include "nginx_import/model.h"

namespace relay7::nginx_import {
namespace {

template <class T>
void fill(std::optional<T>& own, const std::optional<T>& outer) {
  if (!own) {
    own = outer;
  }
}

}  // namespace

void TlsSettings::inherit_from(const TlsSettings& outer) {
  fill(certificates, outer.certificates);
  fill(keys, outer.keys);
  fill(protocols, outer.protocols);
}

void InheritedSettings::inherit_from(const InheritedSettings& outer) {
  fill(max_body_size, outer.max_body_size);
  for (size_t i = 0; i < kTimeoutKinds; ++i) {
    fill(timeouts[i], outer.timeouts[i]);
  }
  fill(access_log, outer.access_log);
  fill(proxy_headers, outer.proxy_headers);
  fill(real_ip_from, outer.real_ip_from);
  fill(real_ip_header, outer.real_ip_header);
  fill(real_ip_recursive, outer.real_ip_recursive);
  tls.inherit_from(outer.tls);
}

void inherit_settings(ConfigModel& model) {
  for (ServerModel& server : model.servers) {
    server.settings.inherit_from(model.http_settings);
    // A nested location comes after its parent, so the parent is complete when it is read.
    for (LocationModel& location : server.locations) {
      location.settings.inherit_from(location.parent ? server.locations[*location.parent].settings
                                                     : server.settings);
    }
  }
}

}  // namespace relay7::nginx_import
