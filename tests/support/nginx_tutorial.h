#pragma once

#include <string>
#include <utility>

#include "temp_dir.h"

namespace relay7::testing {

// The nginx config of one scenario of the tutorial relay7 started from ("round-robin",
// "sticky", "path-routing", "block-admin"), as the tutorial prints it, typos included.
inline std::string nginx_tutorial_config(const std::string& scenario) {
  return read_file(std::string(RELAY7_SOURCE_DIR) + "/tests/data/nginx-tutorial/" + scenario +
                   ".conf");
}

// `text` with the tutorial's two typos fixed as its reader would ("listen: 80;", "retirn"),
// listening on `listen` (nginx's syntax) instead of port 80.
inline std::string fix_tutorial_typos(std::string text, const std::string& listen = "80") {
  const std::pair<std::string, std::string> fixes[] = {{"listen: 80;", "listen " + listen + ";"},
                                                       {"retirn 403;", "return 403;"}};
  for (const auto& [typo, fix] : fixes) {
    if (const size_t at = text.find(typo); at != std::string::npos) {
      text.replace(at, typo.size(), fix);
    }
  }
  return text;
}

}  // namespace relay7::testing
