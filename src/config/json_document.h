#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "config/diagnostics.h"

namespace relay7::config {

struct SyntaxError {
  size_t line = 0;    // 1-based
  size_t column = 0;  // 1-based, in bytes
  std::string description;
};

struct JsonDocument {
  nlohmann::ordered_json root;  // meaningful only without a syntax error
  std::optional<SyntaxError> syntax_error;
};

// Parses strict JSON. A key repeated inside one object is reported to `diagnostics` (nlohmann
// alone would silently keep the last value, hiding a likely mistake); the last value still wins
// so that the rest of the document can be checked too.
JsonDocument parse_json_document(std::string_view text, Diagnostics& diagnostics);

}  // namespace relay7::config
