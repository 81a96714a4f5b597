#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "relay7/config/config.h"

namespace relay7 {

// What a balancer may know about the servers at the moment of one pick. The upstream runtime
// implements it over the state all workers share (health, connection counts) and the servers this
// request already tried; tests implement it with plain vectors.
class ServerView {
 public:
  virtual ~ServerView() = default;
  // The server may take this request: not `down`, not out by a health check or by failures, not
  // already tried by this request.
  virtual bool eligible(size_t server) const = 0;
  // Requests in flight to the server across every worker of the instance (least_conn).
  virtual uint32_t active_requests(size_t server) const = 0;
};

// What a balancer may look at to choose a server for one request.
struct BalanceRequest {
  // The bytes a hashing balancer hashes (ip_hash: the raw client address; hash: the configured
  // key). Empty: the request has no key, and a hashing balancer falls back to round robin.
  // Borrowed for the pick() call only (UpstreamAttempts owns the bytes).
  std::string_view key;
};

// One server as a balancer sees it: a member of the upstream (an IP address server, or one
// address of a name), the weight of its config entry, and the identity its hash ring points come
// from (see member_identity.h).
struct BalancerMember {
  size_t server = 0;  // what pick() returns for it, and what the view is asked about
  uint32_t weight = 1;
  std::string identity;
};

// Chooses among a fixed set of an upstream's members (its primaries or its backups). One instance
// per member set per upstream per worker, built when the config is loaded and again whenever a
// name's addresses change; pick() must not allocate.
class Balancer {
 public:
  virtual ~Balancer() = default;
  // nullopt when no member is eligible.
  virtual std::optional<size_t> pick(const BalanceRequest& request, const ServerView& view) = 0;
};

// The balancer `upstream.balance` names, over `members`.
std::unique_ptr<Balancer> make_balancer(const UpstreamConfig& upstream,
                                        std::span<const BalancerMember> members);

// Backup servers are balanced round robin whatever the upstream's method: they carry traffic only
// while every primary is out, and stickiness to a backup would outlive that.
std::unique_ptr<Balancer> make_backup_balancer(std::span<const BalancerMember> members);

}  // namespace relay7
