#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "demo/request.h"

namespace relay7::demo {

// The JSON document describing `request` as this backend saw it, which is what tests inspect
// to learn what the proxy actually forwarded.
std::string echo_json(const Request& request, std::string_view server_name, uint16_t port);

}  // namespace relay7::demo
