#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "relay7/nginx_import/importer.h"
#include "support/temp_dir.h"

namespace relay7::nginx_import::testing {

// An import of config text written as "nginx.conf" (and any other files) in a fresh directory.
// Messages are formatted as the command prints them, with the directory left out, so that a
// test reads "nginx.conf:12: ...".
class ImportRun {
 public:
  explicit ImportRun(std::string_view main_text,
                     const std::vector<std::pair<std::string, std::string>>& other_files = {}) {
    for (const auto& [name, text] : other_files) {
      std::filesystem::create_directories((dir_.path() / name).parent_path());
      relay7::testing::write_file(dir_.path() / name, text);
    }
    relay7::testing::write_file(dir_.file("nginx.conf"), main_text);
    result_ = import_nginx_config(dir_.file("nginx.conf").string());
  }

  const ImportResult& result() const { return result_; }
  std::string dir() const { return dir_.path().string(); }

  std::vector<std::string> messages(Severity severity) const {
    std::vector<std::string> lines;
    for (const ImportMessage& message : result_.messages) {
      if (message.severity == severity) {
        lines.push_back(without_dir(format_message(message)));
      }
    }
    return lines;
  }
  std::vector<std::string> errors() const { return messages(Severity::error); }
  std::vector<std::string> warnings() const { return messages(Severity::warning); }
  std::vector<std::string> notices() const { return messages(Severity::notice); }

  // The result as JSON (discarded when there is none).
  nlohmann::ordered_json json() const {
    return nlohmann::ordered_json::parse(result_.json, nullptr, false);
  }

 private:
  std::string without_dir(std::string text) const {
    const std::string prefix = dir_.path().string() + "/";
    for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix)) {
      text.erase(at, prefix.size());
    }
    return text;
  }

  relay7::testing::TempDir dir_{"relay7-nginx-import"};
  ImportResult result_;
};

// An http block around `http_body`, for a test that writes its own main and events blocks.
inline std::string http_block(std::string_view http_body) {
  return "http {\n" + std::string(http_body) + "}\n";
}

// A config nginx accepts around `http_body`: an empty events block and an http block.
inline std::string http_config(std::string_view http_body) {
  return "events {}\n" + http_block(http_body);
}

// One upstream "app" on 127.0.0.1:2222 and one server on port 8080 around `server_body`.
inline std::string server_config(std::string_view server_body) {
  return http_config("upstream app { server 127.0.0.1:2222; }\nserver {\nlisten 8080;\n" +
                     std::string(server_body) + "}\n");
}

// Whether some message of `lines` contains `needle`.
inline bool any_contains(const std::vector<std::string>& lines, std::string_view needle) {
  for (const std::string& line : lines) {
    if (line.find(needle) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace relay7::nginx_import::testing
