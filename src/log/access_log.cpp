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
  log->config_ = config;
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

void AccessLog::write(const AccessLogEntry& entry, CachedClock& clock) {
  if (!logger_) {
    return;
  }
  line_.clear();
  format(config_, entry, clock, line_);
  try {
    logger_->info(line_);
  } catch (...) {
    // A full disk must not take the worker down; the error log says why once it recovers.
  }
}

void AccessLog::flush() {
  if (logger_) {
    logger_->flush();
  }
}

}  // namespace relay7
