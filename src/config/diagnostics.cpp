#include "config/diagnostics.h"

namespace relay7::config {
namespace {

std::string located(std::string_view path, std::string_view message) {
  std::string line;
  if (!path.empty()) {
    line.append(path).append(": ");
  }
  line.append(message);
  return line;
}

}  // namespace

void Diagnostics::error(std::string_view path, std::string_view message) {
  messages_.push_back(located(path, message));
}

void Diagnostics::warning(std::string_view path, std::string_view message) {
  warnings_.push_back(located(path, message));
}

}  // namespace relay7::config
