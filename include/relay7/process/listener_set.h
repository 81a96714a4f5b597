#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relay7/net/reuseport_group.h"
#include "relay7/process/generation_sockets.h"
#include "relay7/routing/route_table.h"

namespace relay7 {

// The master's listening sockets by address: one SO_REUSEPORT group per address. Every
// generation holds the groups its workers accept on, so a group lives while any generation uses
// it: an address kept across a reload keeps its sockets (and the connections waiting in their
// backlogs), and an address a reload drops is closed only when the last generation that accepted
// on it is gone.
class ListenerSet {
 public:
  // The sockets for a generation of `workers` workers serving `listeners`: the groups of the
  // addresses that are open already, a new group (its first socket listening) for each new
  // address, and sockets bound, not listening, for the slots a group lacks. nullopt with `error`
  // when an address cannot be bound; what this call opened is closed again.
  std::optional<GenerationSockets> acquire(const std::vector<ListenerRoutes>& listeners,
                                           size_t workers, std::string& error);

 private:
  std::map<std::string, std::weak_ptr<ReuseportGroup>> by_address_;
};

}  // namespace relay7
