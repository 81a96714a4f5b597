#pragma once

#include <optional>
#include <span>
#include <vector>

#include "relay7/net/socket_address.h"

namespace relay7 {

// Which address of a resolved name each of its positions (shared-state slots) holds.
using NamePositions = std::vector<std::optional<SocketAddress>>;

struct PositionChange {
  std::vector<SocketAddress> added;    // addresses the name did not have before
  std::vector<SocketAddress> removed;  // addresses it no longer has
  std::vector<size_t> changed;         // positions whose address changed (emptied or filled)
  bool empty() const { return changed.empty(); }
};

// Makes `positions` hold `wanted` (distinct; as many as fit, in the given order): an address the
// name keeps stays at its position, with its state; an address that leaves frees its position;
// a new address takes the lowest free position. So a change of one address moves one position.
PositionChange place_addresses(NamePositions& positions, std::span<const SocketAddress> wanted);

}  // namespace relay7
