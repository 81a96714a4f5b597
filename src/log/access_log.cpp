#include "relay7/log/access_log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace relay7 {
namespace {

std::shared_ptr<spdlog::logger> make_logger(const std::string& path) {
  if (path == "stdout") {
    return std::make_shared<spdlog::logger>("access",
                                            std::make_shared<spdlog::sinks::stdout_sink_st>());
  }
  if (path == "stderr") {
    return std::make_shared<spdlog::logger>("access",
                                            std::make_shared<spdlog::sinks::stderr_sink_st>());
  }
  return std::make_shared<spdlog::logger>(
      "access", std::make_shared<spdlog::sinks::basic_file_sink_st>(path, false));
}

void append_field(std::string& out, std::string_view text) {
  if (text.empty()) {
    out += '-';
  } else {
    append_log_escaped(out, text);
  }
}

}  // namespace

std::shared_ptr<AccessLog> AccessLog::open(const AccessLogConfig& config, std::string& error) {
  auto log = std::make_shared<AccessLog>();
  if (config.path == "off") {
    return log;
  }
  try {
    log->logger_ = make_logger(config.path);
  } catch (const std::exception& e) {
    error = "cannot open access log \"" + config.path + "\": " + e.what();
    return nullptr;
  }
  log->logger_->set_pattern("%v");
  log->logger_->set_level(spdlog::level::info);
  log->logger_->flush_on(spdlog::level::err);
  return log;
}

bool AccessLog::reopen(const AccessLogConfig& config, std::string& error) {
  std::shared_ptr<AccessLog> fresh = open(config, error);
  if (!fresh) {
    return false;
  }
  flush();
  logger_ = std::move(fresh->logger_);
  return true;
}

void AccessLog::write(const AccessLogEntry& entry, std::string_view log_time) {
  if (!logger_) {
    return;
  }
  std::string& out = line_;
  out.clear();
  out += entry.client_ip;
  out += " - - [";
  out += log_time;
  out += "] \"";
  append_log_escaped(out, entry.method);
  out += ' ';
  append_log_escaped(out, entry.target);
  out += " HTTP/";
  out += std::to_string(entry.version_major);
  out += '.';
  out += std::to_string(entry.version_minor);
  out += "\" ";
  out += std::to_string(entry.status);
  out += ' ';
  out += std::to_string(entry.body_bytes);
  out += " \"";
  append_field(out, entry.referer);
  out += "\" \"";
  append_field(out, entry.user_agent);
  out += "\" ";
  out += entry.upstream.empty() ? std::string_view("-") : entry.upstream;
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, " %.3f", entry.request_seconds);
  out += seconds;
  try {
    logger_->info(out);
  } catch (...) {
    // A full disk must not take the worker down; the error log says why once it recovers.
  }
}

void AccessLog::flush() {
  if (logger_) {
    logger_->flush();
  }
}

void append_log_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : text) {
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += static_cast<char>(c);
    }
  }
}

}  // namespace relay7
