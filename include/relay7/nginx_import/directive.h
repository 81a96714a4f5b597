#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace relay7::nginx_import {

// Where something in an nginx config comes from.
struct SourceRef {
  std::string file;  // as the user named it, or relative to the main file's folder for includes
  int line = 0;      // 1-based; 0: the file as a whole
  // Position in the whole config (included files spliced in), so that messages can be listed in
  // the order a reader meets their directives.
  size_t sequence = 0;
};

// One nginx directive: a name, its arguments (quotes removed, escapes resolved) and, for a block
// directive such as `server { ... }`, the directives inside.
struct Directive {
  std::string name;
  std::vector<std::string> args;
  bool has_block = false;
  std::vector<Directive> block;
  SourceRef where;  // the line of the name
};

}  // namespace relay7::nginx_import
