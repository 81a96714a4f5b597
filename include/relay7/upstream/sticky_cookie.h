#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/upstream/balancer.h"

namespace relay7 {

// Session affinity by a cookie relay7 sets. Each member's cookie value is an ID derived from the
// upstream's name and the member's identity (see member_identity.h): it does not reveal the
// address, and every worker, reload, restart and re-resolution derives the same one, so a client
// keeps its server across all of them while the server stays in the config (and, for a name,
// while the name keeps that address).
class StickyCookie {
 public:
  // `upstream.sticky` must be set; `members` are the upstream's current members.
  StickyCookie(const UpstreamConfig& upstream, std::span<const BalancerMember> members);

  // The member (BalancerMember::server) a client's cookie value names; nullopt for a value no
  // current member has: a server since removed, an address a name no longer has, a forged or
  // mangled value.
  std::optional<size_t> server_for(std::string_view cookie_value) const;
  // The Set-Cookie header value that sends a client back to `server`; empty for a server that is
  // not a current member.
  std::string_view set_cookie_value(size_t server) const {
    return server < set_cookie_values_.size() ? std::string_view(set_cookie_values_[server])
                                              : std::string_view();
  }
  std::string_view cookie_name() const { return name_; }

 private:
  struct Entry {
    uint64_t id;
    size_t server;
  };
  bool taken(uint64_t id) const;

  std::string name_;
  std::vector<Entry> by_id_;                    // sorted by id
  std::vector<std::string> set_cookie_values_;  // by BalancerMember::server; empty: not a member
};

}  // namespace relay7
