#pragma once

#include "relay7/upstream/balancer.h"
#include "relay7/upstream/hash_ring.h"

namespace relay7 {

// Sticky by client address: the whole address (not nginx's first three IPv4 octets, which puts a
// /24 of clients on one server) hashed onto a consistent ring.
class IpHashBalancer final : public Balancer {
 public:
  explicit IpHashBalancer(const UpstreamConfig& upstream);
  size_t pick(const BalanceRequest& request) override;

 private:
  HashRing ring_;
};

}  // namespace relay7
