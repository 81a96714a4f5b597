#include "relay7/upstream/shared_state.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <new>
#include <set>

namespace relay7 {

int64_t monotonic_ms() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

std::unique_ptr<SharedStateRegistry> SharedStateRegistry::create(std::string& error) {
  // Anonymous and shared: workers forked later inherit the mapping, nothing else can reach it,
  // and untouched pages cost no memory.
  void* memory = ::mmap(nullptr, sizeof(SharedServerTable), PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) {
    error = std::string("cannot map the shared upstream state: ") + std::strerror(errno);
    return nullptr;
  }
  auto* table = new (memory) SharedServerTable();
  return std::make_unique<SharedStateRegistry>(ConstructionKey{}, table);
}

SharedStateRegistry::SharedStateRegistry(ConstructionKey, SharedServerTable* table)
    : table_(table), column_taken_(SharedServerTable::kColumns, false) {
  free_slots_.reserve(SharedServerTable::kSlots);
  for (size_t slot = SharedServerTable::kSlots; slot > 0; --slot) {
    free_slots_.push_back(static_cast<uint32_t>(slot - 1));  // lowest first out of the back
  }
}

SharedStateRegistry::~SharedStateRegistry() {
  table_->~SharedServerTable();
  ::munmap(table_, sizeof(SharedServerTable));
}

std::string SharedStateRegistry::slot_key(const std::string& upstream, const std::string& address) {
  return upstream + '\n' + address;
}

std::optional<SlotMap> SharedStateRegistry::assign(const Config& config, std::string& error) {
  std::set<std::string> new_keys;
  for (const UpstreamConfig& upstream : config.upstreams) {
    for (const UpstreamServerConfig& server : upstream.servers) {
      std::string key = slot_key(upstream.name, server.address_text);
      if (!slot_by_key_.contains(key)) {
        new_keys.insert(std::move(key));
      }
    }
  }
  if (new_keys.size() > free_slots_.size()) {
    error = "too many upstream servers: the running generations and this config together hold " +
            std::to_string(slot_by_key_.size() + new_keys.size()) + " (at most " +
            std::to_string(SharedServerTable::kSlots) + ")";
    return std::nullopt;
  }
  for (const std::string& key : new_keys) {
    const uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    reset_slot(slot);
    slot_by_key_.emplace(key, slot);
  }
  SlotMap slots;
  slots.reserve(config.upstreams.size());
  for (const UpstreamConfig& upstream : config.upstreams) {
    std::vector<uint32_t>& row = slots.emplace_back();
    row.reserve(upstream.servers.size());
    for (const UpstreamServerConfig& server : upstream.servers) {
      row.push_back(slot_by_key_.at(slot_key(upstream.name, server.address_text)));
    }
  }
  return slots;
}

void SharedStateRegistry::release_unused(const std::vector<const SlotMap*>& live) {
  std::set<uint32_t> used;
  for (const SlotMap* map : live) {
    for (const auto& row : *map) {
      used.insert(row.begin(), row.end());
    }
  }
  std::erase_if(slot_by_key_, [&](const auto& entry) {
    if (used.contains(entry.second)) {
      return false;
    }
    free_slots_.push_back(entry.second);
    return true;
  });
}

void SharedStateRegistry::reset_slot(uint32_t slot) {
  ServerSlot& state = table_->slots[slot];
  state.active.store(0);
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

void SharedStateRegistry::release_column(int column) {
  if (column < 0 || static_cast<size_t>(column) >= column_taken_.size()) {
    return;
  }
  column_taken_[static_cast<size_t>(column)] = false;
  for (size_t slot = 0; slot < SharedServerTable::kSlots; ++slot) {
    const int32_t left = table_->ledger[column][slot].exchange(0);
    if (left != 0) {
      table_->slots[slot].active.fetch_sub(left);
    }
  }
}

}  // namespace relay7
