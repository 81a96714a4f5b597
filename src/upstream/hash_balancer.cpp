#include "relay7/upstream/hash_balancer.h"

namespace relay7 {
namespace {

std::vector<HashRing::Member> ring_members(std::span<const BalancerMember> members) {
  std::vector<HashRing::Member> ring;
  ring.reserve(members.size());
  for (const BalancerMember& member : members) {
    ring.push_back({member.identity, member.weight});
  }
  return ring;
}

std::vector<size_t> servers_of(std::span<const BalancerMember> members) {
  std::vector<size_t> servers;
  servers.reserve(members.size());
  for (const BalancerMember& member : members) {
    servers.push_back(member.server);
  }
  return servers;
}

}  // namespace

HashBalancer::HashBalancer(std::span<const BalancerMember> members)
    : members_(servers_of(members)), ring_(ring_members(members)), keyless_(members) {}

std::optional<size_t> HashBalancer::pick(const BalanceRequest& request, const ServerView& view) {
  if (request.key.empty()) {
    return keyless_.pick(request, view);
  }
  if (ring_.point_count() == 0) {
    return std::nullopt;
  }
  const size_t position = ring_.position_of(stable_hash(request.key));
  const size_t owner = members_[ring_.member_at(position)];
  if (view.eligible(owner)) {
    return owner;
  }
  // Without this check a request with every server out would visit every point of the ring.
  if (!any_eligible(view)) {
    return std::nullopt;
  }
  return walk_from(ring_.next(position), view);
}

std::optional<size_t> HashBalancer::walk_from(size_t position, const ServerView& view) const {
  for (size_t step = 0; step < ring_.point_count(); ++step) {
    const size_t server = members_[ring_.member_at(position)];
    if (view.eligible(server)) {
      return server;
    }
    position = ring_.next(position);
  }
  return std::nullopt;
}

bool HashBalancer::any_eligible(const ServerView& view) const {
  for (size_t server : members_) {
    if (view.eligible(server)) {
      return true;
    }
  }
  return false;
}

}  // namespace relay7
