#include "support/named_backends.h"

#include <cstdio>
#include <stdexcept>

#include "support/backend_json.h"
#include "support/ports.h"
#include "support/temp_dir.h"

namespace relay7::testing {

NamedBackends::NamedBackends(size_t count) : count_(count) {
  // The first backend picks a free port on its address; the others take the same one on theirs,
  // which something else may hold: then all start again on another.
  for (int attempt = 0; attempt < 5; ++attempt) {
    backends_.clear();
    if (start_all()) {
      return;
    }
  }
  throw std::runtime_error("cannot start the named backends on one port");
}

bool NamedBackends::start_all() {
  try {
    backends_.push_back(std::make_unique<DemoBackend>(0, name(0), host(0)));
    port_ = backends_.back()->port();
    for (size_t i = 1; i < count_; ++i) {
      backends_.push_back(std::make_unique<DemoBackend>(port_, name(i), host(i)));
    }
  } catch (const std::runtime_error&) {
    return false;
  }
  return true;
}

size_t NamedBackends::served_by(const HttpResponse& response) const {
  const nlohmann::json echo = parse_echo(response);
  if (echo.is_discarded() || !echo.contains("server") || !echo["server"].is_string()) {
    return size();
  }
  return served_by(echo["server"].get<std::string>());
}

size_t NamedBackends::served_by(const std::string& server) const {
  for (size_t i = 0; i < size(); ++i) {
    if (server == name(i)) {
      return i;
    }
  }
  return size();
}

void HostsFile::write(const std::string& name, const std::vector<std::string>& hosts) const {
  std::string text = "# written by a relay7 test\n";
  for (const std::string& host : hosts) {
    text += host + " " + name + "\n";
  }
  const std::filesystem::path temporary = path_.string() + ".new";
  write_file(temporary, text);
  std::filesystem::rename(temporary, path_);
}

std::vector<std::string> hosts_of(const std::vector<size_t>& indices) {
  std::vector<std::string> hosts;
  for (size_t index : indices) {
    hosts.push_back(NamedBackends::host(index));
  }
  return hosts;
}

}  // namespace relay7::testing
