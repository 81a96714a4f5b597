#include "example_backends.h"

#include <stdexcept>

#include "paths.h"
#include "temp_dir.h"

namespace relay7::testing {
namespace {

constexpr std::string_view kScheme = "http://";

}  // namespace

nlohmann::json load_example(std::string_view file_name) {
  const std::string path = source_dir() + "/etc/examples/" + std::string(file_name);
  const std::string text = read_file(path);
  if (text.empty())
    throw std::runtime_error("cannot read " + path);
  return nlohmann::json::parse(text);
}

const std::vector<std::string>& ExampleBackends::example_addresses() {
  static const std::vector<std::string> kAddresses = {"127.0.0.1:2222", "127.0.0.1:3333",
                                                      "127.0.0.1:4444", "127.0.0.1:5555"};
  return kAddresses;
}

ExampleBackends::ExampleBackends() {
  for (size_t i = 0; i < kCount; ++i)
    backends_.push_back(std::make_unique<DemoBackend>());
}

std::vector<uint16_t> ExampleBackends::ports() const {
  std::vector<uint16_t> ports;
  for (const auto& backend : backends_)
    ports.push_back(backend->port());
  return ports;
}

size_t ExampleBackends::index_of(uint16_t port) const {
  for (size_t i = 0; i < backends_.size(); ++i) {
    if (backends_[i]->port() == port)
      return i;
  }
  return kCount;
}

std::string ExampleBackends::address_for(const std::string& example_address) const {
  const std::vector<std::string>& examples = example_addresses();
  for (size_t i = 0; i < examples.size(); ++i) {
    if (examples[i] == example_address)
      return "127.0.0.1:" + std::to_string(backends_[i]->port());
  }
  throw std::invalid_argument("no demo backend stands in for " + example_address);
}

void ExampleBackends::rewrite_servers(nlohmann::json& servers) const {
  for (nlohmann::json& server : servers) {
    nlohmann::json& address = server.is_object() ? server.at("address") : server;
    address = address_for(address.get<std::string>());
  }
}

void ExampleBackends::rewrite_proxy_pass(nlohmann::json& location) const {
  if (!location.contains("proxy_pass"))
    return;
  const std::string url = location["proxy_pass"].get<std::string>();
  if (url.rfind(kScheme, 0) != 0)
    return;
  const size_t host_end = url.find('/', kScheme.size());
  const std::string host = url.substr(kScheme.size(), host_end - kScheme.size());
  if (host.find(':') == std::string::npos)
    return;  // an upstream name
  const std::string rest = host_end == std::string::npos ? "" : url.substr(host_end);
  location["proxy_pass"] = std::string(kScheme) + address_for(host) + rest;
}

nlohmann::json ExampleBackends::rewrite(nlohmann::json config) const {
  if (config.contains("upstreams")) {
    for (auto& [name, upstream] : config["upstreams"].items())
      rewrite_servers(upstream.at("servers"));
  }
  for (nlohmann::json& server : config.at("servers")) {
    for (nlohmann::json& location : server.at("locations"))
      rewrite_proxy_pass(location);
  }
  return config;
}

std::vector<std::vector<std::string>> ExampleBackends::requests() const {
  std::vector<std::vector<std::string>> all;
  for (const auto& backend : backends_)
    all.push_back(backend->requests());
  return all;
}

void ExampleBackends::reset() const {
  for (const auto& backend : backends_)
    backend->reset();
}

}  // namespace relay7::testing
