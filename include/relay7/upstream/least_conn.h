#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "relay7/upstream/balancer.h"

namespace relay7 {

// Weighted least connections: the eligible server with the fewest requests in flight per unit of
// weight. Servers tied on that share take turns by smooth weighted round robin (as in nginx): on
// a quiet upstream every server sits at zero, and always taking the first would load one server
// and ignore the weights.
class LeastConnections final : public Balancer {
 public:
  explicit LeastConnections(std::span<const BalancerMember> members);
  std::optional<size_t> pick(const BalanceRequest& request, const ServerView& view) override;

 private:
  struct Peer {
    size_t server;
    uint64_t weight;
    int64_t current = 0;  // smooth round robin among ties
    // What the view said in this pick's first pass. Counts move under us (other workers), and
    // both passes must see the same ones.
    bool eligible = false;
    uint64_t active = 0;
  };
  const Peer* least_loaded(const ServerView& view);
  size_t take_turn_among_ties(const Peer& least);

  std::vector<Peer> peers_;
};

}  // namespace relay7
