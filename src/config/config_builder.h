#pragma once

#include "config/diagnostics.h"
#include "config/json_values.h"
#include "relay7/config/config.h"

namespace relay7::config {

// Validates a parsed document and builds the model from it. The result is only meaningful when
// no error was added to `diagnostics`.
Config build_config(const Json& root, Diagnostics& diagnostics);

}  // namespace relay7::config
