#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace relay7 {

// A stable 64-bit hash: the same on every worker, restart, machine and relay7 version, because
// sticky sessions must survive all of those.
uint64_t stable_hash(std::string_view data);

// A consistent hash ring (ketama style). Each server owns points derived from its identity (see
// member_identity.h), never from its position in the list, so adding or removing one server
// moves only the keys that land on its points.
class HashRing {
 public:
  struct Member {
    std::string identity;
    uint32_t weight = 1;
  };
  static constexpr uint32_t kPointsPerWeight = 160;

  explicit HashRing(const std::vector<Member>& members);

  // The member index that owns `key_hash`; 0 for a ring without points.
  size_t lookup(uint64_t key_hash) const;

  // Where `key_hash` lands: the first point at or after it, wrapping past the end; the ring must
  // have points. A caller whose owner cannot take the key walks on with next(), which sends the
  // key exactly where a ring built without that owner would.
  size_t position_of(uint64_t key_hash) const;
  size_t next(size_t position) const { return position + 1 == points_.size() ? 0 : position + 1; }
  size_t member_at(size_t position) const { return points_[position].member; }
  size_t point_count() const { return points_.size(); }

 private:
  struct Point {
    uint64_t hash;
    uint32_t member;
  };
  std::vector<Point> points_;
};

}  // namespace relay7
