#include "relay7/upstream/least_conn.h"

namespace relay7 {
namespace {

// a.active / a.weight < b.active / b.weight without division; 32-bit factors cannot overflow.
template <typename Peer>
bool less_loaded(const Peer& a, const Peer& b) {
  return a.active * b.weight < b.active * a.weight;
}

template <typename Peer>
bool equally_loaded(const Peer& a, const Peer& b) {
  return a.active * b.weight == b.active * a.weight;
}

}  // namespace

LeastConnections::LeastConnections(std::span<const BalancerMember> members) {
  peers_.reserve(members.size());
  for (const BalancerMember& member : members) {
    peers_.push_back(Peer{member.server, member.weight});
  }
}

std::optional<size_t> LeastConnections::pick(const BalanceRequest&, const ServerView& view) {
  const Peer* least = least_loaded(view);
  if (least == nullptr) {
    return std::nullopt;
  }
  return take_turn_among_ties(*least);
}

const LeastConnections::Peer* LeastConnections::least_loaded(const ServerView& view) {
  const Peer* least = nullptr;
  for (Peer& peer : peers_) {
    peer.eligible = view.eligible(peer.server);
    if (!peer.eligible) {
      continue;
    }
    peer.active = view.active_requests(peer.server);
    if (least == nullptr || less_loaded(peer, *least)) {
      least = &peer;
    }
  }
  return least;
}

size_t LeastConnections::take_turn_among_ties(const Peer& least) {
  Peer* best = nullptr;
  int64_t total = 0;
  for (Peer& peer : peers_) {
    if (!peer.eligible || !equally_loaded(peer, least)) {
      continue;
    }
    peer.current += static_cast<int64_t>(peer.weight);
    total += static_cast<int64_t>(peer.weight);
    if (best == nullptr || peer.current > best->current) {
      best = &peer;
    }
  }
  // `least` itself is among the ties, so best is set.
  best->current -= total;
  return best->server;
}

}  // namespace relay7
