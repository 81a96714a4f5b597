#pragma once

#include "config/diagnostics.h"
#include "config/json_values.h"
#include "relay7/config/config.h"

namespace relay7::config {

// {"request": {"set": {NAME: TEMPLATE}, "add": [[NAME, TEMPLATE], ...], "remove": [NAME, ...]},
//  "response": {...}} of a server block or a location.
HeaderRulesConfig read_header_rules(const Node& node, Diagnostics& diagnostics);

}  // namespace relay7::config
