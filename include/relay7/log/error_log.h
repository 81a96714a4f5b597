#pragma once

#include <string>

#include "relay7/config/config.h"

namespace relay7 {

// Points spdlog's default logger at the configured error log. Returns false with `error` set
// when the file cannot be opened; the previous logger then stays in place.
bool configure_error_log(const ErrorLogConfig& config, std::string& error);

}  // namespace relay7
