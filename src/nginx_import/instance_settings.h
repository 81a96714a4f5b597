#pragma once

#include <array>
#include <optional>
#include <string>

#include "nginx_import/model.h"
#include "relay7/nginx_import/messages.h"

namespace relay7::nginx_import {

// nginx sets timeouts and the access log per location; relay7 has one value for the whole
// instance. What that value is, when every location agrees.
struct InstanceSettings {
  std::array<std::optional<Sourced<Duration>>, kTimeoutKinds> timeouts;
  std::optional<Sourced<std::string>> access_log;  // a path or "off"
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
