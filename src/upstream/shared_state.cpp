#include "relay7/upstream/shared_state.h"

#include <algorithm>
#include <cstring>
#include <ctime>
#include <new>
#include <set>

#include "relay7/resolver/lookup_result.h"

namespace relay7 {
namespace {

constexpr size_t kHeaderBytes = 64;  // the membership version, alone in its cache line

}  // namespace

int64_t monotonic_ms() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

SharedTableSize SharedServerTable::size_for(const Config& config, unsigned workers) {
  return SharedTableSize{
      std::max(kMinSlots, kGenerations * config.server_slot_count()),
      std::max(kMinColumns, kGenerations * size_t{workers}),
  };
}

size_t SharedServerTable::bytes_for(SharedTableSize size) {
  return kHeaderBytes + size.slots * (sizeof(ServerSlot) + sizeof(PublishedAddress)) +
         size.columns * size.slots * sizeof(std::atomic<int32_t>);
}

SharedServerTable::SharedServerTable(void* memory, SharedTableSize size) : size_(size) {
  auto* bytes = static_cast<unsigned char*>(memory);
  version_ = new (bytes) std::atomic<uint64_t>(0);
  bytes += kHeaderBytes;
  slots_ = reinterpret_cast<ServerSlot*>(bytes);
  for (size_t i = 0; i < size.slots; ++i) {
    new (&slots_[i]) ServerSlot();
  }
  bytes += size.slots * sizeof(ServerSlot);
  addresses_ = reinterpret_cast<PublishedAddress*>(bytes);
  for (size_t i = 0; i < size.slots; ++i) {
    new (&addresses_[i]) PublishedAddress();
  }
  bytes += size.slots * sizeof(PublishedAddress);
  ledger_ = reinterpret_cast<std::atomic<int32_t>*>(bytes);
  for (size_t i = 0; i < size.columns * size.slots; ++i) {
    new (&ledger_[i]) std::atomic<int32_t>(0);
  }
}

std::unique_ptr<SharedStateRegistry> SharedStateRegistry::create(SharedTableSize size,
                                                                 std::string& error) {
  std::optional<SharedMapping> memory =
      SharedMapping::create(SharedServerTable::bytes_for(size), "the shared upstream state", error);
  if (!memory) {
    return nullptr;
  }
  return std::make_unique<SharedStateRegistry>(ConstructionKey{}, std::move(*memory), size);
}

SharedStateRegistry::SharedStateRegistry(ConstructionKey, SharedMapping memory,
                                         SharedTableSize size)
    : memory_(std::move(memory)), table_(memory_.data(), size), column_taken_(size.columns, false) {
  free_slots_.reserve(size.slots);
  for (size_t slot = size.slots; slot > 0; --slot) {
    free_slots_.push_back(static_cast<uint32_t>(slot - 1));  // lowest first out of the back
  }
}

// Every member of the table is trivially destructible: unmapping (memory_) is all there is to
// do.
SharedStateRegistry::~SharedStateRegistry() = default;

std::string SharedStateRegistry::literal_key(const std::string& upstream,
                                             const std::string& address) {
  return upstream + '\n' + address;
}

std::string SharedStateRegistry::name_key(const std::string& upstream,
                                          const UpstreamServerConfig& server) {
  return upstream + '\n' + server.name + ':' + std::to_string(server.port);
}

// What `config` needs beyond the slots the running generations already hold.
size_t SharedStateRegistry::slots_needed(const Config& config) const {
  std::set<std::string> new_keys;
  size_t needed = 0;
  for (const UpstreamConfig& upstream : config.upstreams) {
    for (const UpstreamServerConfig& server : upstream.servers) {
      const bool known =
          server.is_name()
              ? names_.contains(name_key(upstream.name, server))
              : literal_slots_.contains(literal_key(upstream.name, server.address_text));
      if (!known) {
        needed += server.slot_count();
      }
    }
  }
  return needed;
}

uint32_t SharedStateRegistry::take_slot() {
  const uint32_t slot = free_slots_.back();
  free_slots_.pop_back();
  reset_slot(slot);
  return slot;
}

std::optional<SlotMap> SharedStateRegistry::assign(const Config& config, std::string& error) {
  const size_t needed = slots_needed(config);
  if (needed > free_slots_.size()) {
    error = "the upstream servers need " + std::to_string(needed) +
            " new shared-state slots, but only " + std::to_string(free_slots_.size()) + " of " +
            std::to_string(table_.slot_count()) +
            " are free (the table was sized when relay7 started, for 6 generations of that "
            "config; draining generations keep theirs until they exit): restart relay7 to size "
            "it for this config";
    return std::nullopt;
  }
  SlotMap slots;
  slots.reserve(config.upstreams.size());
  for (const UpstreamConfig& upstream : config.upstreams) {
    auto& row = slots.emplace_back();
    row.reserve(upstream.servers.size());
    for (const UpstreamServerConfig& server : upstream.servers) {
      if (!server.is_name()) {
        const std::string key = literal_key(upstream.name, server.address_text);
        auto [entry, added] = literal_slots_.try_emplace(key, 0);
        if (added) {
          entry->second = take_slot();
        }
        row.push_back({entry->second});
        continue;
      }
      auto [entry, added] = names_.try_emplace(name_key(upstream.name, server));
      ResolvedName& name = entry->second;
      if (added) {
        name.upstream = upstream.name;
        name.name = server.name;
        name.port = server.port;
        name.positions.resize(kMaxAddressesPerName);
        for (size_t position = 0; position < kMaxAddressesPerName; ++position) {
          name.slots.push_back(take_slot());
        }
      }
      name.interval = upstream.resolve;
      name.ttl = server.ttl;
      // A load resolves the name afresh: the newest answer wins, for every generation.
      std::vector<SocketAddress> loaded;
      for (const SocketAddress& address : server.addresses) {
        loaded.push_back(with_port(address, 0));
      }
      place(name, loaded);
      row.push_back(name.slots);
    }
  }
  return slots;
}

std::optional<NameUpdate> SharedStateRegistry::publish(
    const std::string& key, const std::vector<SocketAddress>& addresses) {
  const auto found = names_.find(key);
  if (found == names_.end()) {
    return std::nullopt;
  }
  return place(found->second, addresses);
}

std::optional<NameUpdate> SharedStateRegistry::place(ResolvedName& name,
                                                     const std::vector<SocketAddress>& addresses) {
  std::vector<SocketAddress> wanted;
  wanted.reserve(addresses.size());
  for (const SocketAddress& address : addresses) {
    wanted.push_back(with_port(address, name.port));
  }
  PositionChange change = place_addresses(name.positions, wanted);
  if (change.empty()) {
    return std::nullopt;
  }
  for (size_t position : change.changed) {
    const uint32_t slot = name.slots[position];
    // A new address is a new member: its health starts fresh. `active` is left alone, as the
    // requests to the position's previous address that are still in flight end against it.
    if (name.positions[position]) {
      reset_health(slot);
    }
    table_.address(slot).publish(name.positions[position]);
  }
  table_.membership_version().fetch_add(1, std::memory_order_release);
  NameUpdate update{
      name.upstream, name.name + ':' + std::to_string(name.port), {}, std::move(change)};
  for (const auto& position : name.positions) {
    if (position) {
      update.addresses.push_back(*position);
    }
  }
  std::sort(update.addresses.begin(), update.addresses.end(), address_less);
  return update;
}

void SharedStateRegistry::release_unused(const std::vector<const SlotMap*>& live) {
  std::set<uint32_t> used;
  for (const SlotMap* map : live) {
    for (const auto& upstream : *map) {
      for (const auto& server : upstream) {
        used.insert(server.begin(), server.end());
      }
    }
  }
  std::erase_if(literal_slots_, [&](const auto& entry) {
    if (used.contains(entry.second)) {
      return false;
    }
    free_slots_.push_back(entry.second);
    return true;
  });
  std::erase_if(names_, [&](const auto& entry) {
    const std::vector<uint32_t>& slots = entry.second.slots;
    if (used.contains(slots.front())) {
      return false;
    }
    for (uint32_t slot : slots) {
      table_.address(slot).publish(std::nullopt);
      free_slots_.push_back(slot);
    }
    return true;
  });
}

void SharedStateRegistry::reset_slot(uint32_t slot) {
  table_.slot(slot).active.store(0);
  reset_health(slot);
  table_.address(slot).publish(std::nullopt);
}

void SharedStateRegistry::reset_health(uint32_t slot) {
  ServerSlot& state = table_.slot(slot);
  state.fails.store(0);
  state.window_start_ms.store(0);
  state.out_until_ms.store(0);
  state.trial_until_ms.store(0);
  state.probe_down.store(false);
  state.probe_streak.store(0);
}

int SharedStateRegistry::acquire_column() {
  for (size_t column = 0; column < column_taken_.size(); ++column) {
    if (!column_taken_[column]) {
      column_taken_[column] = true;
      return static_cast<int>(column);
    }
  }
  return -1;
}

size_t SharedStateRegistry::free_columns() const {
  return static_cast<size_t>(std::count(column_taken_.begin(), column_taken_.end(), false));
}

void SharedStateRegistry::release_column(int column) {
  if (column < 0 || static_cast<size_t>(column) >= column_taken_.size()) {
    return;
  }
  column_taken_[static_cast<size_t>(column)] = false;
  for (uint32_t slot = 0; slot < table_.slot_count(); ++slot) {
    const int32_t left = table_.ledger(column, slot).exchange(0);
    if (left != 0) {
      table_.slot(slot).active.fetch_sub(left);
    }
  }
}

}  // namespace relay7
