#include "paths.h"

#ifndef RELAY7_BUILD_DIR
#error "RELAY7_BUILD_DIR must be defined by the build (see Makefile)"
#endif
#ifndef RELAY7_SOURCE_DIR
#error "RELAY7_SOURCE_DIR must be defined by the build (see Makefile)"
#endif

namespace relay7::testing {

std::string build_dir() {
  return RELAY7_BUILD_DIR;
}
std::string source_dir() {
  return RELAY7_SOURCE_DIR;
}
std::string relay7_binary() {
  return build_dir() + "/relay7";
}
std::string demo_backend_binary() {
  return build_dir() + "/relay7-demo-backend";
}

}  // namespace relay7::testing
