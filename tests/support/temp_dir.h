#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace relay7::testing {

// A fresh directory under /tmp, removed with everything in it when this goes away.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "relay7-test");
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path file(std::string_view name) const { return path_ / name; }

 private:
  void remove() noexcept;

  std::filesystem::path path_;
};

// Writes (replacing) the whole file; throws std::runtime_error on failure.
void write_file(const std::filesystem::path& path, std::string_view text);

// The whole file, or "" if it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace relay7::testing
