#include "relay7/config/loader.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "config/config_builder.h"
#include "config/json_document.h"

namespace relay7 {
namespace {

ConfigLoadResult failure(std::vector<std::string> errors) {
  return {std::nullopt, std::move(errors), {}};
}

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string syntax_error_line(const std::string& source, const config::SyntaxError& error) {
  return source + ":" + std::to_string(error.line) + ":" + std::to_string(error.column) +
         ": syntax error: " + error.description;
}

struct FileText {
  std::string text;
  int error = 0;  // errno when the file could not be read
};

FileText read_file(const std::string& path) {
  const std::unique_ptr<std::FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "rb"),
                                                                &std::fclose);
  if (!file) {
    return {{}, errno};
  }
  FileText result;
  char buffer[8192];
  size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) {
    result.text.append(buffer, count);
  }
  // A directory opens fine and only fails here, with EISDIR.
  if (std::ferror(file.get())) {
    result.error = errno != 0 ? errno : EIO;
  }
  return result;
}

}  // namespace

ConfigLoadResult load_config_file(const std::string& path) {
  errno = 0;
  const FileText file = read_file(path);
  if (file.error != 0) {
    return failure({path + ": cannot read: " + std::strerror(file.error)});
  }
  return parse_config_text(file.text, path);
}

ConfigLoadResult parse_config_text(std::string_view text, const std::string& source_name) {
  return parse_config_text(text, source_name, make_dns_resolver);
}

ConfigLoadResult parse_config_text(std::string_view text, const std::string& source_name,
                                   const HostResolverFactory& resolvers) {
  if (is_blank(text)) {
    return failure({source_name + ": the file is empty (expected a JSON object)"});
  }
  config::Diagnostics diagnostics;
  const config::JsonDocument document = config::parse_json_document(text, diagnostics);
  std::vector<std::string> errors;
  if (document.syntax_error) {
    errors.push_back(syntax_error_line(source_name, *document.syntax_error));
  } else if (!document.root.is_object()) {
    errors.push_back(source_name + ": the top level must be a JSON object, got " +
                     document.root.type_name());
  }
  Config config;
  if (errors.empty()) {
    // Paths in the config are relative to its file's folder, as nginx's are to its prefix.
    config = config::build_config(document.root, resolvers,
                                  std::filesystem::path(source_name).parent_path(), diagnostics);
  }
  for (const auto& message : diagnostics.messages()) {
    errors.push_back(source_name + ": " + message);
  }
  std::vector<std::string> warnings;
  for (const auto& message : diagnostics.warnings()) {
    warnings.push_back(source_name + ": " + message);
  }
  if (!errors.empty()) {
    return {std::nullopt, std::move(errors), std::move(warnings)};
  }
  config.source_path = source_name;
  return {std::move(config), {}, std::move(warnings)};
}

}  // namespace relay7
