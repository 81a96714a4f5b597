#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/upstream/connection_pool.h"
#include "relay7/upstream/shared_state.h"

namespace relay7 {

// One member of an upstream in a worker: an IP address server, or one address of a name. What
// every pick reads comes first, in one cache line; the identity and the address are for
// rebuilding balancers and for logs.
struct UpstreamMember {
  size_t server = 0;  // its entry: index into UpstreamConfig::servers
  ServerSlot* slot = nullptr;
  std::atomic<int32_t>* ledger = nullptr;  // nullptr: the worker has no ledger column
  std::unique_ptr<ConnectionPool> pool;
  // False once its address left the name. A member that left is never chosen again, but keeps
  // its index (requests in flight refer to it) until none of its connections is left.
  bool live = true;
  std::string identity;  // see member_identity.h
  SocketAddress address;
};

// The members of one upstream, as one worker knows them. Indices are stable: a member that
// leaves is marked so, never removed while anything may still use it, and its index is reused
// only once nothing can (no connection of its pool exists). The addresses of names come from the
// shared table, where the master publishes them; refresh() follows them.
class UpstreamMembers {
 public:
  // `slots[s]` are the shared slots of config.servers[s], one per position.
  UpstreamMembers(const PoolResources& resources, const UpstreamConfig& config,
                  SharedServerTable& table, const std::vector<std::vector<uint32_t>>& slots,
                  int column);
  UpstreamMembers(const UpstreamMembers&) = delete;
  UpstreamMembers& operator=(const UpstreamMembers&) = delete;

  size_t size() const { return members_.size(); }
  UpstreamMember& operator[](size_t member) { return members_[member]; }
  const UpstreamMember& operator[](size_t member) const { return members_[member]; }
  size_t live_count() const { return live_count_; }

  // Takes up the names' addresses as the master last published them. Returns true when a member
  // came or went. Never waits: a position being written right now is read again next time.
  bool refresh();

 private:
  struct Position {
    uint32_t slot;
    std::optional<size_t> member;  // the member holding the position's address
  };
  struct Name {
    size_t server;
    std::vector<Position> positions;
  };

  // False when a position could not be read whole (the master was writing it).
  bool follow(Name& name, bool& changed);
  size_t add(size_t server, const SocketAddress& address, uint32_t slot);
  void retire(size_t member);
  std::optional<size_t> reusable_index() const;

  PoolResources resources_;
  const UpstreamConfig& config_;
  SharedServerTable& table_;
  int column_;
  std::vector<UpstreamMember> members_;
  std::vector<Name> names_;
  size_t live_count_ = 0;
  std::optional<uint64_t> seen_version_;  // the membership version refresh() last took up whole
};

}  // namespace relay7
