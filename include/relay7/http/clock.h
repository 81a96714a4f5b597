#pragma once

#include <ctime>
#include <string>

namespace relay7 {

// Formatted timestamps, recomputed at most once per second: a busy worker formats the Date header
// and the access log time once a second, not once a request.
class CachedClock {
 public:
  const std::string& http_date();  // "Sun, 06 Nov 1994 08:49:37 GMT"
  const std::string& log_time();   // "06/Nov/1994:08:49:37 +0000"
  const std::string& iso_time();   // "1994-11-06T08:49:37+00:00"

 private:
  void refresh();
  std::time_t second_ = -1;
  std::string http_date_;
  std::string log_time_;
  std::string iso_time_;
};

}  // namespace relay7
