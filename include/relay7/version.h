#pragma once

namespace relay7 {

inline constexpr const char* kVersion = "0.1.0";

}  // namespace relay7
