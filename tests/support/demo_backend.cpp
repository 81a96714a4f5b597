#include "demo_backend.h"

#include <charconv>
#include <stdexcept>
#include <utility>

#include "backend_json.h"
#include "http_connection.h"
#include "paths.h"

namespace relay7::testing {
namespace {

std::vector<std::string> backend_argv(uint16_t port, const std::string& name,
                                      const std::string& host) {
  std::vector<std::string> argv = {demo_backend_binary(), "--port", std::to_string(port), "--host",
                                   host};
  if (!name.empty()) {
    argv.push_back("--name");
    argv.push_back(name);
  }
  return argv;
}

// Port from the backend's "ready N\n" line, or 0 if the line is not there (yet).
uint16_t ready_port(const std::string& output) {
  static constexpr std::string_view kPrefix = "ready ";
  const size_t start = output.find(kPrefix);
  const size_t end = output.find('\n', start);
  if (start == std::string::npos || end == std::string::npos)
    return 0;
  const char* first = output.data() + start + kPrefix.size();
  const char* last = output.data() + end;
  unsigned port = 0;
  const auto [ptr, ec] = std::from_chars(first, last, port);
  return ec == std::errc() && ptr == last && port <= 65535 ? static_cast<uint16_t>(port) : 0;
}

std::string connect_host(const std::string& bind_host) {
  if (bind_host == "0.0.0.0")
    return "127.0.0.1";
  if (bind_host == "::")
    return "::1";
  return bind_host;
}

HttpResponse control_request(const std::string& host, uint16_t port, std::string_view method,
                             std::string_view path) {
  HttpConnection connection;
  if (!connection.connect(port, connect_host(host)) ||
      !connection.send_request(method, path, {{"Connection", "close"}})) {
    throw std::runtime_error("demo backend " + std::string(path) + ": " + connection.last_error());
  }
  std::optional<HttpResponse> response = connection.read_final_response();
  if (!response || response->status != 200) {
    throw std::runtime_error(
        "demo backend " + std::string(path) +
        " failed: " + (response ? std::to_string(response->status) : connection.last_error()));
  }
  return *response;
}

}  // namespace

DemoBackend::DemoBackend(uint16_t port, std::string name, std::string host)
    : host_(std::move(host)), process_(backend_argv(port, name, host_)) {
  if (!process_.wait_for_stdout("\n", kStartTimeout)) {
    process_.stop();
    throw std::runtime_error("relay7-demo-backend did not become ready: " + process_.stderr_text());
  }
  port_ = ready_port(process_.stdout_text());
  if (port_ == 0 || (port != 0 && port_ != port)) {
    throw std::runtime_error("unexpected output from relay7-demo-backend: " +
                             process_.stdout_text() + process_.stderr_text());
  }
  name_ = name.empty() ? "backend-" + std::to_string(port_) : std::move(name);
}

std::vector<std::string> DemoBackend::requests() const {
  const HttpResponse response = control_request(host_, port_, "GET", "/__requests");
  std::vector<std::string> uris;
  if (!parse_string_array(response.body, uris)) {
    throw std::runtime_error("/__requests did not return a string array: " + response.body);
  }
  return uris;
}

void DemoBackend::reset() const {
  control_request(host_, port_, "POST", "/__reset");
}

std::string demo_pattern(size_t length) {
  static constexpr std::string_view kPattern = "0123456789abcdef";
  std::string out;
  out.reserve(length);
  while (out.size() < length)
    out.append(kPattern.substr(0, length - out.size()));
  return out;
}

}  // namespace relay7::testing
