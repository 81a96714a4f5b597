#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace relay7::config {

// Collects every semantic error so that one run of the loader reports them all, and the
// warnings: what loads but will likely hurt (a certificate about to expire).
class Diagnostics {
 public:
  // `path` is a JSON path such as "servers[0].listen[1]"; empty for the document itself.
  void error(std::string_view path, std::string_view message);
  void warning(std::string_view path, std::string_view message);

  bool empty() const { return messages_.empty(); }
  size_t size() const { return messages_.size(); }
  // Each entry is "PATH: MESSAGE" (or just "MESSAGE" at the top level), without the file name.
  const std::vector<std::string>& messages() const { return messages_; }
  // The same form; they never make a config fail.
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  std::vector<std::string> messages_;
  std::vector<std::string> warnings_;
};

}  // namespace relay7::config
