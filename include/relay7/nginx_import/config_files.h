#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "relay7/nginx_import/directive.h"
#include "relay7/nginx_import/messages.h"

namespace relay7::nginx_import {

// Bounds on what one import reads; beyond them the input is refused rather than followed.
inline constexpr size_t kMaxFileSize = 16 * 1024 * 1024;
inline constexpr size_t kMaxIncludeDepth = 32;

struct LoadedConfig {
  std::vector<Directive> directives;  // every `include` replaced by the directives it names
  std::string main_file;              // as the user named it
  // The main file's folder: nginx resolves relative paths against its prefix, the import
  // against this folder.
  std::filesystem::path base_dir;
  bool syntax_error = false;  // a file is not valid nginx syntax (messages says where)
  bool file_error = false;    // a file could not be read (messages says which)
};

// Reads `main_file` and follows its `include` directives as nginx does: in place, in any block,
// a relative path taken from the main file's folder, a pattern with *, ? or [ expanded in
// sorted order (matching nothing is not an error, a missing plain file is). An include that
// leads back to a file it came from is an error. Each directive's SourceRef names its own file
// and line, and sequence numbers follow the spliced order.
LoadedConfig load_nginx_config(const std::string& main_file, MessageList& messages);

// `path` taken relative to `base_dir` when it is relative, made absolute and lexically normal.
std::string resolve_config_path(const std::filesystem::path& base_dir, const std::string& path);

}  // namespace relay7::nginx_import
