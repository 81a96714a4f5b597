#pragma once

#include <string>

namespace relay7::testing {

// Absolute build directory the tests were compiled for (build/ or build/sanitize/).
std::string build_dir();
// Absolute repository root.
std::string source_dir();

std::string relay7_binary();
std::string demo_backend_binary();

}  // namespace relay7::testing
