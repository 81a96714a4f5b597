#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relay7/net/listen_socket.h"
#include "relay7/net/reuseport_steering.h"
#include "relay7/net/socket_address.h"
#include "relay7/net/unique_fd.h"

namespace relay7 {

// Sockets bound for an SO_REUSEPORT group but not listening yet, the first to become number
// `first_index` of the group.
struct UnlistenedSockets {
  size_t first_index = 0;
  std::vector<UniqueFd> sockets;
};

// The listening sockets of one address, one per worker slot, in one SO_REUSEPORT group: the
// kernel queues each new connection on one socket of the group, so each worker accepts from its
// own queue instead of every worker racing for one shared queue, which the least busy worker wins
// time after time.
//
// The kernel numbers the sockets of a group in the order they listen(), and a socket that closes
// hands its number to the group's last socket. sockets_[i] is kept at number i: sockets are only
// added at the end, and none is closed while the group lives, because closing a listening socket
// resets the connections queued on it. A socket that no worker slot needs any more (after a
// reload to fewer workers) stays, steered out of the kernel's choice, and a live worker accepts
// what was left in its queue.
class ReuseportGroup {
 public:
  // Checks that no other socket listens on `address`, then binds and listens on the first
  // socket; nullptr with `error` naming the address and the reason when that fails. With port 0
  // the kernel picks the port (no check then), and address() says which.
  static std::shared_ptr<ReuseportGroup> open(const SocketAddress& address, std::string& error,
                                              int backlog = kListenBacklog);

  ReuseportGroup(const ReuseportGroup&) = delete;
  ReuseportGroup& operator=(const ReuseportGroup&) = delete;

  const SocketAddress& address() const { return address_; }
  int backlog() const { return backlog_; }
  // A reload that changes the address's backlog: listen() again on every socket, which on Linux
  // changes only the queue length, not the socket's number in the group.
  bool set_backlog(int backlog, std::string& error);
  // Listening sockets, numbered as the kernel numbers them.
  size_t size() const { return sockets_.size(); }
  int fd(size_t index) const { return sockets_[index].get(); }

  // Bound sockets, not listening yet, to become numbers size() to count - 1 (none when the group
  // has that many); nullopt with `error` when one cannot be bound.
  std::optional<UnlistenedSockets> bind_more(size_t count, std::string& error) const;

  // Starts listening on `more` (from bind_more, with size() unchanged since), in order, after
  // steering new connections to the sockets listening already, so that a new socket gets none
  // until steer() names it. All or nothing: on failure, the sockets that did listen are closed
  // again, last first, so that no other socket changes its number.
  bool listen_more(UnlistenedSockets more, std::string& error);
  // Undoes listen_more() calls that left the group with `count` sockets, closing the sockets
  // added since, last first: for a promotion that failed on another group. Steering kept new
  // connections off them, unless the kernel refused it.
  void shrink_to(size_t count);

  // New connections go to the sockets numbered `indices` (each < size(), at least one), picked at
  // random; connections already queued stay where they are. Without steering (an error, when the
  // kernel refuses the program) the kernel spreads connections over every socket of the group.
  bool steer(const GroupIndices& indices, std::string& error);
  // What the group is steered to; empty until steer() first succeeds.
  const GroupIndices& steered() const { return steered_; }

 private:
  ReuseportGroup(const SocketAddress& address, int backlog)
      : address_(address), backlog_(backlog) {}

  SocketAddress address_;
  int backlog_;
  std::vector<UniqueFd> sockets_;
  GroupIndices steered_;
};

}  // namespace relay7
