#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "nginx_import/model.h"
#include "relay7/nginx_import/messages.h"

namespace relay7::nginx_import {

// The realip module's settings of one location, nginx's defaults filled in.
struct RealIpModel {
  std::vector<std::string> from;
  std::string header = "X-Real-IP";
  bool recursive = false;

  bool operator==(const RealIpModel&) const = default;
};

// nginx sets timeouts, the access log and the trusted proxies per location; relay7 has one value
// for the whole instance. What that value is, when every location agrees.
struct InstanceSettings {
  std::array<std::optional<Sourced<Duration>>, kTimeoutKinds> timeouts;
  std::optional<Sourced<std::string>> access_log;  // a path or "off"
  // What becomes relay7's "real_ip": trusted proxies and a header to read (not proxy_protocol,
  // which relay7 reads from the listen entry).
  std::optional<Sourced<RealIpModel>> real_ip;
};

// The nginx directive that sets a timeout, and nginx's default for it.
std::string_view timeout_directive(TimeoutKind kind);
Duration nginx_default_timeout(TimeoutKind kind);
// relay7's key in "timeouts".
std::string_view timeout_key(TimeoutKind kind);

// Reads the effective settings of every location (inherit_settings() has run). A setting that
// differs between locations is an error at each directive that sets it; the http level's value
// is kept then, for a partial result.
InstanceSettings resolve_instance_settings(const ConfigModel& model, MessageList& messages);

}  // namespace relay7::nginx_import
