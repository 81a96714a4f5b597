#include "relay7/upstream/upstream_members.h"

#include "relay7/tls/tls_peer.h"
#include "relay7/upstream/member_identity.h"

namespace relay7 {

UpstreamMembers::UpstreamMembers(const PoolResources& resources, const UpstreamConfig& config,
                                 SharedServerTable& table,
                                 const std::vector<std::vector<uint32_t>>& slots, int column)
    : resources_(resources), config_(config), table_(table), column_(column) {
  const uint64_t version = table_.membership_version().load(std::memory_order_acquire);
  bool complete = true;
  bool changed = false;
  for (size_t s = 0; s < config.servers.size(); ++s) {
    const UpstreamServerConfig& server = config.servers[s];
    if (!server.is_name()) {
      add(s, server.addresses.front(), slots[s].front());
      continue;
    }
    Name& name = names_.emplace_back(Name{s, {}});
    for (uint32_t slot : slots[s]) {
      name.positions.push_back(Position{slot, std::nullopt});
    }
    complete = follow(name, changed) && complete;
  }
  if (complete) {
    seen_version_ = version;
  }
}

bool UpstreamMembers::refresh() {
  if (names_.empty()) {
    return false;
  }
  // Read before the positions: a change published while they are read bumps it again, and the
  // next refresh looks once more.
  const uint64_t version = table_.membership_version().load(std::memory_order_acquire);
  if (seen_version_ == version) {
    return false;
  }
  bool complete = true;
  bool changed = false;
  for (Name& name : names_) {
    complete = follow(name, changed) && complete;
  }
  if (complete) {
    seen_version_ = version;
  }
  return changed;
}

bool UpstreamMembers::follow(Name& name, bool& changed) {
  bool complete = true;
  for (Position& position : name.positions) {
    std::optional<SocketAddress> address;
    if (!table_.address(position.slot).read(address)) {
      complete = false;
      continue;
    }
    const bool same = position.member ? address == members_[*position.member].address : !address;
    if (same) {
      continue;
    }
    if (position.member) {
      retire(*position.member);
      position.member.reset();
    }
    if (address) {
      position.member = add(name.server, *address, position.slot);
    }
    changed = true;
  }
  return complete;
}

size_t UpstreamMembers::add(size_t server, const SocketAddress& address, uint32_t slot) {
  UpstreamMember member;
  member.server = server;
  member.identity = member_identity(config_.servers[server], address);
  member.address = address;
  member.slot = &table_.slot(slot);
  member.ledger = column_ >= 0 ? &table_.ledger(column_, slot) : nullptr;
  const UpstreamServerConfig& entry = config_.servers[server];
  member.pool = std::make_unique<ConnectionPool>(
      resources_, address, config_.keepalive,
      make_tls_peer(config_, entry.is_name() ? entry.name : address.host_string()));
  ++live_count_;
  if (const std::optional<size_t> index = reusable_index()) {
    members_[*index] = std::move(member);
    return *index;
  }
  members_.push_back(std::move(member));
  return members_.size() - 1;
}

// Its slot stays: requests to it still in flight end their attempts there.
void UpstreamMembers::retire(size_t index) {
  UpstreamMember& member = members_[index];
  member.live = false;
  member.pool->retire();
  --live_count_;
}

// A member that left can be replaced once no connection of its pool exists: every exchange that
// used it has then ended its attempt and has no connection to release into the pool.
std::optional<size_t> UpstreamMembers::reusable_index() const {
  for (size_t index = 0; index < members_.size(); ++index) {
    const UpstreamMember& member = members_[index];
    if (!member.live && member.pool->live_connections() == 0) {
      return index;
    }
  }
  return std::nullopt;
}

}  // namespace relay7
