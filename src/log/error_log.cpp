#include "relay7/log/error_log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace relay7 {
namespace {

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::trace:
      return spdlog::level::trace;
    case LogLevel::debug:
      return spdlog::level::debug;
    case LogLevel::info:
      return spdlog::level::info;
    case LogLevel::warn:
      return spdlog::level::warn;
    case LogLevel::error:
      return spdlog::level::err;
    case LogLevel::critical:
      return spdlog::level::critical;
    case LogLevel::off:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

}  // namespace

bool configure_error_log(const ErrorLogConfig& config, std::string& error) {
  std::shared_ptr<spdlog::logger> logger;
  try {
    if (config.path == "stderr") {
      logger = std::make_shared<spdlog::logger>("relay7",
                                                std::make_shared<spdlog::sinks::stderr_sink_mt>());
    } else {
      logger = std::make_shared<spdlog::logger>(
          "relay7", std::make_shared<spdlog::sinks::basic_file_sink_mt>(config.path, false));
    }
  } catch (const std::exception& e) {
    error = "cannot open error log \"" + config.path + "\": " + e.what();
    return false;
  }
  logger->set_pattern("%Y/%m/%d %H:%M:%S [%l] %P: %v");
  logger->set_level(to_spdlog(config.level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
  return true;
}

}  // namespace relay7
