#include "relay7/upstream/name_positions.h"

#include <algorithm>

namespace relay7 {

PositionChange place_addresses(NamePositions& positions, std::span<const SocketAddress> wanted) {
  wanted = wanted.first(std::min(wanted.size(), positions.size()));
  const auto is_wanted = [&](const SocketAddress& address) {
    return std::find(wanted.begin(), wanted.end(), address) != wanted.end();
  };
  PositionChange change;
  for (size_t position = 0; position < positions.size(); ++position) {
    std::optional<SocketAddress>& held = positions[position];
    if (held && !is_wanted(*held)) {
      change.removed.push_back(*held);
      change.changed.push_back(position);
      held.reset();
    }
  }
  for (const SocketAddress& address : wanted) {
    const bool held = std::any_of(positions.begin(), positions.end(),
                                  [&](const auto& position) { return position == address; });
    if (held) {
      continue;
    }
    const auto free = std::find(positions.begin(), positions.end(), std::nullopt);
    *free = address;  // one is free: `wanted` has no more entries than there are positions
    change.added.push_back(address);
    const size_t position = static_cast<size_t>(free - positions.begin());
    if (std::find(change.changed.begin(), change.changed.end(), position) == change.changed.end()) {
      change.changed.push_back(position);
    }
  }
  return change;
}

}  // namespace relay7
