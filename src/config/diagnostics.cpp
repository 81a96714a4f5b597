#include "config/diagnostics.h"

namespace relay7::config {

void Diagnostics::error(std::string_view path, std::string_view message) {
  std::string line;
  if (!path.empty()) {
    line.append(path).append(": ");
  }
  line.append(message);
  messages_.push_back(std::move(line));
}

}  // namespace relay7::config
