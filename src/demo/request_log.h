#pragma once

#include <string>
#include <vector>

namespace relay7::demo {

// URIs this process has received, so a test can prove a request never reached any backend.
class RequestLog {
 public:
  void record(std::string uri) { uris_.push_back(std::move(uri)); }
  void clear() { uris_.clear(); }
  const std::vector<std::string>& uris() const { return uris_; }

 private:
  std::vector<std::string> uris_;
};

}  // namespace relay7::demo
