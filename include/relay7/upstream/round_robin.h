#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "relay7/upstream/balancer.h"

namespace relay7 {

// Smooth weighted round robin: weights 5:1:1 give A A B A C A A, interleaving the heavy server
// with the light ones instead of sending it five requests in a row. As in nginx, only the servers
// the view lets take the request join a pick, so while one is out the rotation stays smooth
// among the others instead of piling its turns onto whichever server follows it.
class SmoothWeightedRoundRobin final : public Balancer {
 public:
  explicit SmoothWeightedRoundRobin(std::span<const BalancerMember> members);
  std::optional<size_t> pick(const BalanceRequest& request, const ServerView& view) override;

 private:
  struct Peer {
    size_t server;
    int64_t weight;
    int64_t current = 0;
  };
  std::vector<Peer> peers_;
};

}  // namespace relay7
