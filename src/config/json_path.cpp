#include "config/json_path.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace relay7::config {
namespace {

bool is_plain_key(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

}  // namespace

std::string path_key(std::string_view parent, std::string_view key) {
  std::string path(parent);
  // Keys that would make the path ambiguous (spaces, brackets, ...) are shown as JSON strings.
  if (!is_plain_key(key)) {
    return path + "[" + quote_json(key) + "]";
  }
  if (!path.empty()) {
    path += '.';
  }
  return path.append(key);
}

std::string path_index(std::string_view parent, size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string quote_json(std::string_view text) {
  // Replacement keeps a message printable even when the config holds invalid UTF-8.
  return nlohmann::ordered_json(std::string(text))
      .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace relay7::config
