#include "relay7/config/config.h"

#include <algorithm>

namespace relay7 {

const UpstreamConfig* Config::find_upstream(const std::string& name) const {
  const auto it =
      std::find_if(upstreams.begin(), upstreams.end(),
                   [&](const UpstreamConfig& upstream) { return upstream.name == name; });
  return it == upstreams.end() ? nullptr : &*it;
}

}  // namespace relay7
