#include "config/file_path.h"

namespace relay7::config {

std::string config_file_path(const std::filesystem::path& config_dir, const std::string& path) {
  return std::filesystem::absolute(config_dir / path).lexically_normal().string();
}

}  // namespace relay7::config
