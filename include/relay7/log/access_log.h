#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "relay7/config/config.h"
#include "relay7/http/clock.h"
#include "relay7/http/header_list.h"
#include "relay7/log/log_escaping.h"

namespace spdlog {
class logger;
}

namespace relay7 {

// One request's fields, as views into the request and the connection that logs it: valid for the
// write() call only (the line is formatted before it returns).
struct AccessLogEntry {
  std::string_view client_ip;
  std::string_view method;
  std::string_view target;
  unsigned version_major = 1;
  unsigned version_minor = 1;
  int status = 0;
  uint64_t body_bytes = 0;
  const HeaderList* fields = nullptr;  // the request's, for $http_NAME; nullptr: none
  std::string_view referer;
  std::string_view user_agent;
  std::string_view upstream;     // "-" when relay7 answered itself
  int upstream_status = 0;       // 0: no response head came from the server
  double upstream_seconds = -1;  // below 0: no server was tried
  double request_seconds = 0;
  std::string_view request_id;  // empty: none was needed
  std::string_view host;
  std::string_view scheme;
  std::string_view server_port;
};

// The access log, in one of three formats (AccessLogConfig::kind):
// - combined: nginx's "combined" followed by the upstream address and the request time, e.g.
//     127.0.0.1 - - [25/Nov/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 12 "-" "curl/8"
//     127.0.0.1:2222 0.001
// - json: one object a line, keys named as nginx's variables;
// - custom: the configured template.
// Whatever the format, no byte a client or a backend sends can split or forge a line.
class AccessLog {
 public:
  // Opens the configured destination; `error` says why when it returns nullptr.
  static std::shared_ptr<AccessLog> open(const AccessLogConfig& config, std::string& error);
  AccessLog() = default;  // disabled

  bool enabled() const { return logger_ != nullptr; }
  // Opens the destination again (after logrotate moved the file away); on failure the old one
  // stays in use and `error` says why.
  bool reopen(const AccessLogConfig& config, std::string& error);
  void write(const AccessLogEntry& entry, CachedClock& clock);
  void flush();

  // The line write() would log, without its newline (for tests and the fuzzer).
  static void format(const AccessLogConfig& config, const AccessLogEntry& entry, CachedClock& clock,
                     std::string& out);

 private:
  std::shared_ptr<spdlog::logger> logger_;
  AccessLogConfig config_;
  std::string line_;
};

}  // namespace relay7
