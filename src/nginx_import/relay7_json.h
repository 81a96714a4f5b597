#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

#include "nginx_import/instance_settings.h"
#include "nginx_import/model.h"

namespace relay7::nginx_import {

struct Relay7Json {
  nlohmann::ordered_json config;
  // The nginx line behind each JSON path written (paths as relay7's loader names them), so that
  // what the check finds can be traced back to the nginx file.
  std::vector<std::pair<std::string, SourceRef>> origins;
};

// The model as a relay7 config, keys in the order of relay7.json(5). Locations that have neither
// proxy_pass nor return (their translation failed) are left out.
Relay7Json build_relay7_json(const ConfigModel& model, const InstanceSettings& instance);

}  // namespace relay7::nginx_import
