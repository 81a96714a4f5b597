#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relay7/net/unique_fd.h"
#include "relay7/routing/route_table.h"

namespace relay7 {

using SharedListenSocket = std::shared_ptr<const UniqueFd>;

// The master's listening sockets by address. Every generation holds the sockets its workers
// accept on, so a socket lives while any generation uses it: an address kept across a reload
// keeps its socket (and the connections waiting in its backlog), and an address a reload drops
// is closed only when the last generation that accepted on it is gone.
class ListenerSet {
 public:
  // Sockets parallel to `listeners`, reusing the open ones; nullopt with `error` set when an
  // address cannot be bound (sockets opened by this call are closed again).
  std::optional<std::vector<SharedListenSocket>> acquire(
      const std::vector<ListenerRoutes>& listeners, std::string& error);

  // Every listening descriptor still open, for a forked worker to close the ones it must not hold.
  std::vector<int> open_descriptors();

 private:
  std::map<std::string, std::weak_ptr<const UniqueFd>> by_address_;
};

}  // namespace relay7
