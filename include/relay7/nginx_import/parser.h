#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relay7/nginx_import/directive.h"
#include "relay7/nginx_import/tokenizer.h"

namespace relay7::nginx_import {

// Blocks nested deeper than this are refused: no real config comes close, and the parser and
// the translator recurse once per level.
inline constexpr size_t kMaxBlockDepth = 64;

struct ParseResult {
  std::vector<Directive> directives;
  std::optional<SyntaxError> error;  // nginx stops at its first syntax error, and so does this
};

// The directives of one file, every one stamped with `file_name` and its line. `include` is left
// as a directive (see config_files.h). A file must close every block it opens, as in nginx.
ParseResult parse_config_text(std::string_view text, const std::string& file_name);

}  // namespace relay7::nginx_import
