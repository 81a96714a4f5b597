#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "relay7/upstream/balancer.h"
#include "relay7/upstream/hash_ring.h"
#include "relay7/upstream/round_robin.h"

namespace relay7 {

// Sticky by key (ip_hash: the whole client address, not nginx's first three IPv4 octets, which
// put a /24 of clients on one server; hash: the configured key) on a consistent ring. A key whose
// server is out goes to the next eligible server along the ring, so only the keys of the server
// that left move, spread over the others, and they come back when it returns.
class HashBalancer final : public Balancer {
 public:
  explicit HashBalancer(std::span<const BalancerMember> members);
  std::optional<size_t> pick(const BalanceRequest& request, const ServerView& view) override;

 private:
  std::optional<size_t> walk_from(size_t position, const ServerView& view) const;
  bool any_eligible(const ServerView& view) const;

  std::vector<size_t> members_;  // ring member index -> BalancerMember::server
  HashRing ring_;
  SmoothWeightedRoundRobin keyless_;  // requests without a key have nothing to stick to
};

}  // namespace relay7
