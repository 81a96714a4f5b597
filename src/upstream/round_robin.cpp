#include "relay7/upstream/round_robin.h"

namespace relay7 {

SmoothWeightedRoundRobin::SmoothWeightedRoundRobin(std::span<const BalancerMember> members) {
  peers_.reserve(members.size());
  for (const BalancerMember& member : members) {
    peers_.push_back(Peer{member.server, member.weight});
  }
}

std::optional<size_t> SmoothWeightedRoundRobin::pick(const BalanceRequest&,
                                                     const ServerView& view) {
  Peer* best = nullptr;
  int64_t total = 0;
  for (Peer& peer : peers_) {
    if (!view.eligible(peer.server)) {
      continue;
    }
    peer.current += peer.weight;
    total += peer.weight;
    if (best == nullptr || peer.current > best->current) {
      best = &peer;
    }
  }
  if (best == nullptr) {
    return std::nullopt;
  }
  best->current -= total;
  return best->server;
}

}  // namespace relay7
