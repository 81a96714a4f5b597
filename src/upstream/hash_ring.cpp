#include "relay7/upstream/hash_ring.h"

#include <algorithm>

namespace relay7 {
namespace {

// FNV-1a spreads similar inputs poorly in its high bits; the splitmix64 finaliser fixes that.
uint64_t mix(uint64_t value) {
  value ^= value >> 30;
  value *= 0xbf58476d1ce4e5b9ULL;
  value ^= value >> 27;
  value *= 0x94d049bb133111ebULL;
  value ^= value >> 31;
  return value;
}

}  // namespace

uint64_t stable_hash(std::string_view data) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return mix(hash);
}

HashRing::HashRing(const std::vector<Member>& members) {
  size_t total = 0;
  for (const Member& member : members) {
    total += size_t{member.weight} * kPointsPerWeight;
  }
  points_.reserve(total);
  std::string label;
  for (uint32_t m = 0; m < members.size(); ++m) {
    const uint32_t points = members[m].weight * kPointsPerWeight;
    for (uint32_t p = 0; p < points; ++p) {
      label = members[m].identity;
      label += '#';
      label += std::to_string(p);
      points_.push_back(Point{stable_hash(label), m});
    }
  }
  // Ties between members are broken by identity order, not list order, to stay stable.
  std::sort(points_.begin(), points_.end(), [&](const Point& a, const Point& b) {
    if (a.hash != b.hash) {
      return a.hash < b.hash;
    }
    return members[a.member].identity < members[b.member].identity;
  });
}

size_t HashRing::lookup(uint64_t key_hash) const {
  return points_.empty() ? 0 : member_at(position_of(key_hash));
}

size_t HashRing::position_of(uint64_t key_hash) const {
  auto it = std::lower_bound(points_.begin(), points_.end(), key_hash,
                             [](const Point& point, uint64_t hash) { return point.hash < hash; });
  if (it == points_.end()) {
    it = points_.begin();
  }
  return static_cast<size_t>(it - points_.begin());
}

}  // namespace relay7
