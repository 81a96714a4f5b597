#pragma once

#include <filesystem>
#include <string>

namespace relay7::config {

// `path` as an absolute, normalised path: a relative one is taken from `config_dir` (the config
// file's folder), so that what a config names does not depend on where relay7 was started.
std::string config_file_path(const std::filesystem::path& config_dir, const std::string& path);

}  // namespace relay7::config
