#include "relay7/config/config.h"

#include <algorithm>

namespace relay7 {

const UpstreamConfig* Config::find_upstream(const std::string& name) const {
  const auto it =
      std::find_if(upstreams.begin(), upstreams.end(),
                   [&](const UpstreamConfig& upstream) { return upstream.name == name; });
  return it == upstreams.end() ? nullptr : &*it;
}

size_t Config::server_slot_count() const {
  size_t count = 0;
  for (const UpstreamConfig& upstream : upstreams) {
    for (const UpstreamServerConfig& server : upstream.servers) {
      count += server.slot_count();
    }
  }
  return count;
}

}  // namespace relay7
