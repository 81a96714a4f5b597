#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relay7/config/config.h"

namespace relay7 {

// Session affinity by a cookie relay7 sets. Each server's cookie value is an ID derived from the
// upstream's name and the server's address as written: it does not reveal the address, and every
// worker, reload and restart derives the same one, so a client keeps its server across all of
// them while the server stays in the config.
class StickyCookie {
 public:
  // `upstream.sticky` must be set.
  explicit StickyCookie(const UpstreamConfig& upstream);

  // The server (index into UpstreamConfig::servers) a client's cookie value names; nullopt for a
  // value no server of this upstream has: a server since removed, a forged or mangled value.
  std::optional<size_t> server_for(std::string_view cookie_value) const;
  // The Set-Cookie header value that sends a client back to `server`.
  const std::string& set_cookie_value(size_t server) const { return set_cookie_values_[server]; }
  std::string_view cookie_name() const { return name_; }

 private:
  struct Entry {
    uint64_t id;
    size_t server;
  };
  bool taken(uint64_t id) const;

  std::string name_;
  std::vector<Entry> by_id_;  // sorted by id
  std::vector<std::string> set_cookie_values_;
};

}  // namespace relay7
