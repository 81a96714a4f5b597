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
  // strftime's %z has no colon in the offset; ISO 8601's extended form wants one.
  iso_time_.assign(buffer, std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S%z", &local));
  if (iso_time_.size() >= 5) {
    iso_time_.insert(iso_time_.size() - 2, 1, ':');
  }
}

const std::string& CachedClock::http_date() {
  refresh();
  return http_date_;
}

const std::string& CachedClock::log_time() {
  refresh();
  return log_time_;
}

const std::string& CachedClock::iso_time() {
  refresh();
  return iso_time_;
}

}  // namespace relay7
