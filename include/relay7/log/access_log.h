#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "relay7/config/config.h"

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
  std::string_view referer;
  std::string_view user_agent;
  std::string_view upstream;  // "-" when relay7 answered itself
  double request_seconds = 0;
};

// The access log: nginx's "combined" format followed by the upstream address and the request
// time in seconds, e.g.
//   127.0.0.1 - - [25/Nov/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 12 "-" "curl/8" 127.0.0.1:2222
//   0.001
class AccessLog {
 public:
  // Opens the configured destination; `error` says why when it returns nullptr.
  static std::shared_ptr<AccessLog> open(const AccessLogConfig& config, std::string& error);
  AccessLog() = default;  // disabled

  bool enabled() const { return logger_ != nullptr; }
  // Opens the destination again (after logrotate moved the file away); on failure the old one
  // stays in use and `error` says why.
  bool reopen(const AccessLogConfig& config, std::string& error);
  void write(const AccessLogEntry& entry, std::string_view log_time);
  void flush();

 private:
  std::shared_ptr<spdlog::logger> logger_;
  std::string line_;
};

// Escapes bytes a client controls (quotes, backslashes, control and non-ASCII bytes) as \xHH so
// no request can forge or split a log line.
void append_log_escaped(std::string& out, std::string_view text);

}  // namespace relay7
