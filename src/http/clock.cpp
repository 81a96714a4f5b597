#include "relay7/http/clock.h"

namespace relay7 {

void CachedClock::refresh() {
  const std::time_t now = std::time(nullptr);
  if (now == second_) {
    return;
  }
  second_ = now;
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[64];
  http_date_.assign(buffer,
                    std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &utc));
  std::tm local{};
  localtime_r(&now, &local);
  log_time_.assign(buffer, std::strftime(buffer, sizeof buffer, "%d/%b/%Y:%H:%M:%S %z", &local));
}

const std::string& CachedClock::http_date() {
  refresh();
  return http_date_;
}

const std::string& CachedClock::log_time() {
  refresh();
  return log_time_;
}

}  // namespace relay7
