#include "relay7/nginx_import/config_files.h"

#include <glob.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "relay7/nginx_import/parser.h"

namespace relay7::nginx_import {
namespace {

struct FileText {
  std::string text;
  std::string error;  // empty when the file was read
};

FileText read_config_file(const std::string& path) {
  errno = 0;
  const std::unique_ptr<std::FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "rb"),
                                                                &std::fclose);
  if (!file) {
    return {{}, std::strerror(errno)};
  }
  FileText result;
  char buffer[8192];
  size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) {
    if (result.text.size() + count > kMaxFileSize) {
      return {{}, "larger than " + std::to_string(kMaxFileSize / (1024 * 1024)) + " MiB"};
    }
    result.text.append(buffer, count);
  }
  // A directory opens fine and only fails here, with EISDIR.
  if (std::ferror(file.get())) {
    return {{}, std::strerror(errno != 0 ? errno : EIO)};
  }
  return result;
}

bool has_glob_characters(const std::string& pattern) {
  return pattern.find_first_of("*?[") != std::string::npos;
}

class IncludeExpander {
 public:
  IncludeExpander(LoadedConfig& config, MessageList& messages)
      : config_(config), messages_(messages) {}

  // Reads and parses `path` and expands its includes into `out`; false once a file could not
  // be read or parsed (nginx stops there too).
  bool splice_file(const std::string& path, const SourceRef& included_from,
                   std::vector<Directive>& out) {
    const std::string identity = file_identity(path);
    for (const std::string& open : stack_) {
      if (open == identity) {
        messages_.error(included_from, "include of \"" + path + "\" leads back to itself");
        config_.syntax_error = true;
        return false;
      }
    }
    if (stack_.size() >= kMaxIncludeDepth) {
      messages_.error(included_from, "includes are nested more than " +
                                         std::to_string(kMaxIncludeDepth) + " deep");
      config_.syntax_error = true;
      return false;
    }
    const FileText file = read_config_file(path);
    if (!file.error.empty()) {
      // The main file is named by the message itself; an included one by the include's line.
      messages_.error(included_from, included_from.line == 0
                                         ? "cannot read: " + file.error
                                         : "cannot read \"" + path + "\": " + file.error);
      config_.file_error = true;
      return false;
    }
    ParseResult parsed = parse_config_text(file.text, path);
    if (parsed.error) {
      messages_.error(SourceRef{path, parsed.error->line, 0}, parsed.error->message);
      config_.syntax_error = true;
      return false;
    }
    stack_.push_back(identity);
    const bool expanded = expand(parsed.directives, out);
    stack_.pop_back();
    return expanded;
  }

 private:
  bool expand(std::vector<Directive>& directives, std::vector<Directive>& out) {
    for (Directive& directive : directives) {
      if (directive.name == "include") {
        if (!include(directive, out)) {
          return false;
        }
        continue;
      }
      if (directive.has_block) {
        std::vector<Directive> block;
        if (!expand(directive.block, block)) {
          return false;
        }
        directive.block = std::move(block);
      }
      out.push_back(std::move(directive));
    }
    return true;
  }

  bool include(const Directive& directive, std::vector<Directive>& out) {
    if (directive.has_block) {
      return syntax_error(directive, "directive \"include\" is not terminated by \";\"");
    }
    if (directive.args.size() != 1) {
      return syntax_error(directive, "invalid number of arguments in \"include\" directive");
    }
    const std::string pattern = (config_.base_dir / directive.args[0]).string();
    if (!has_glob_characters(pattern)) {
      return splice_file(pattern, directive.where, out);
    }
    glob_t matches{};
    const int status = ::glob(pattern.c_str(), 0, nullptr, &matches);
    const std::unique_ptr<glob_t, decltype(&::globfree)> owner(&matches, &::globfree);
    if (status != 0 && status != GLOB_NOMATCH) {
      messages_.error(directive.where, "cannot expand \"" + pattern + "\"");
      config_.file_error = true;
      return false;
    }
    for (size_t i = 0; i < matches.gl_pathc; ++i) {
      if (!splice_file(matches.gl_pathv[i], directive.where, out)) {
        return false;
      }
    }
    return true;
  }

  bool syntax_error(const Directive& directive, std::string message) {
    messages_.error(directive.where, std::move(message));
    config_.syntax_error = true;
    return false;
  }

  // Two spellings of one file ("a/../x.conf", "x.conf") are the same file for loop detection.
  static std::string file_identity(const std::string& path) {
    std::error_code error;
    const auto canonical = std::filesystem::weakly_canonical(path, error);
    return error ? path : canonical.string();
  }

  LoadedConfig& config_;
  MessageList& messages_;
  std::vector<std::string> stack_;  // identities of the files being read, outermost first
};

void number_in_order(std::vector<Directive>& directives, size_t& next) {
  for (Directive& directive : directives) {
    directive.where.sequence = next++;
    number_in_order(directive.block, next);
  }
}

}  // namespace

LoadedConfig load_nginx_config(const std::string& main_file, MessageList& messages) {
  LoadedConfig config;
  config.main_file = main_file;
  config.base_dir = std::filesystem::path(main_file).parent_path();
  IncludeExpander expander(config, messages);
  if (!expander.splice_file(main_file, SourceRef{main_file, 0, 0}, config.directives)) {
    config.directives.clear();
    return config;
  }
  size_t next = 1;  // 0 is for messages about the file as a whole, listed first
  number_in_order(config.directives, next);
  return config;
}

std::string resolve_config_path(const std::filesystem::path& base_dir, const std::string& path) {
  std::error_code error;
  const std::filesystem::path absolute = std::filesystem::absolute(base_dir / path, error);
  return (error ? base_dir / path : absolute).lexically_normal().string();
}

}  // namespace relay7::nginx_import
