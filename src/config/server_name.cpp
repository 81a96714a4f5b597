#include "config/server_name.h"

#include <algorithm>
#include <cctype>

#include "config/json_path.h"
#include "config/server_block.h"

namespace relay7::config {
namespace {

bool is_valid_label(std::string_view label) {
  if (label.empty()) {
    return false;
  }
  for (const char c : label) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') {
      return false;
    }
  }
  return true;
}

}  // namespace

bool is_valid_server_name(std::string_view name) {
  if (name.substr(0, 2) == "*.") {
    name.remove_prefix(2);
  }
  if (name.empty()) {
    return false;
  }
  size_t start = 0;
  while (true) {
    const size_t dot = name.find('.', start);
    if (!is_valid_label(name.substr(start, dot - start))) {
      return false;
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    start = dot + 1;
  }
}

std::vector<std::string> read_server_names(const Node& node, Diagnostics& diagnostics) {
  std::vector<std::string> names;
  const auto entries = read_array(node, "strings", diagnostics);
  if (!entries) {
    return names;
  }
  for (const Node& entry : *entries) {
    const auto written = read_string(entry, diagnostics);
    if (!written) {
      continue;
    }
    auto name = written;
    // Host headers are compared case-insensitively, so names are stored in one case.
    std::transform(name->begin(), name->end(), name->begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!is_valid_server_name(*name)) {
      diagnostics.error(entry.path, quote_json(*written) +
                                        " is not a valid server name (use letters, digits, '-' and "
                                        "'.', optionally starting with \"*.\")");
    } else if (std::find(names.begin(), names.end(), *name) != names.end()) {
      diagnostics.error(entry.path, "duplicate server name " + quote_json(*name));
    } else {
      names.push_back(std::move(*name));
    }
  }
  return names;
}

}  // namespace relay7::config
