#pragma once

#include <memory>
#include <string>
#include <vector>

#include "relay7/net/reuseport_group.h"
#include "relay7/process/accept_socket.h"

namespace relay7 {

// The sockets one generation of workers accepts on: for each listener of its config, the
// address's SO_REUSEPORT group, shared with the other generations that listen there, and the
// sockets this generation adds to the group when it is promoted (a group has as many sockets as
// the most workers a generation has had on it).
//
// Worker slot i accepts on socket i of every group, so a reload with as many workers closes and
// opens nothing: the new worker i accepts from the queue the old worker i leaves. A socket beyond
// the generation's worker count is swept by worker (socket number modulo worker count): steering
// keeps new connections off it, but connections queued on it before the reload must be accepted.
class GenerationSockets {
 public:
  struct Listener {
    std::shared_ptr<ReuseportGroup> group;
    UnlistenedSockets added;  // bound at the reload, listening from activate()
  };

  GenerationSockets() = default;
  // `listeners` parallel to RouteTable::listeners() of the generation's config.
  GenerationSockets(std::vector<Listener> listeners, size_t workers)
      : listeners_(std::move(listeners)), workers_(workers) {}

  // What the worker in `slot` accepts on.
  std::vector<AcceptSocket> for_worker(size_t slot) const;
  // Every descriptor of these sockets, for a forked worker to close the ones that are not its own.
  void append_descriptors(std::vector<int>& out) const;

  // At promotion: the added sockets start listening (see ReuseportGroup::listen_more).
  bool activate(std::string& error);
  // Sends new connections to the sockets of the slots in `accepting` (worker slot numbers, each
  // below the worker count): a slot whose worker is gone or not ready gets none, while its queue
  // waits for its replacement. With no slot given, every slot gets its share. Returns what could
  // not be steered.
  std::vector<std::string> steer(const std::vector<size_t>& accepting);
  // A generation that failed to start closes what it added: those sockets never listened.
  void discard_added() {
    for (Listener& listener : listeners_) {
      listener.added = {};
    }
  }

 private:
  static size_t socket_count(const Listener& listener);
  static int fd_at(const Listener& listener, size_t index);

  std::vector<Listener> listeners_;
  size_t workers_ = 0;
};

}  // namespace relay7
