#include "relay7/upstream/hash_balancer.h"

namespace relay7 {
namespace {

std::vector<HashRing::Member> ring_members(const UpstreamConfig& upstream,
                                           std::span<const size_t> members) {
  std::vector<HashRing::Member> ring;
  ring.reserve(members.size());
  for (size_t server : members) {
    ring.push_back({upstream.servers[server].address_text, upstream.servers[server].weight});
  }
  return ring;
}

}  // namespace

HashBalancer::HashBalancer(const UpstreamConfig& upstream, std::span<const size_t> members)
    : members_(members.begin(), members.end()),
      ring_(ring_members(upstream, members)),
      keyless_(upstream, members) {}

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
