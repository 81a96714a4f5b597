#include "config/host_lookups.h"

namespace relay7::config {

const LookupResult& HostLookups::resolve(const std::string& name) {
  if (const auto known = answers_.find(name); known != answers_.end()) {
    return known->second;
  }
  if (!resolver_ && setup_error_.empty()) {
    resolver_ = factory_(settings_, setup_error_);
    if (!resolver_ && setup_error_.empty()) {
      setup_error_ = "no resolver";
    }
  }
  LookupResult answer;
  if (resolver_) {
    answer = resolver_->resolve(name);
  } else {
    answer.error = setup_error_;
  }
  return answers_.emplace(name, std::move(answer)).first->second;
}

}  // namespace relay7::config
