#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/memory/shared_mapping.h"
#include "relay7/upstream/name_positions.h"
#include "relay7/upstream/published_address.h"

namespace relay7 {

// One upstream server's state as every worker of the instance sees it. It lives in memory the
// master maps shared before it forks any worker, so all generations see the same slot and the
// state of a server that stays in the config survives a reload. An IP address server has one
// slot; a name has one per position (see name_positions.h), each the slot of whichever of its
// addresses the position holds.
struct alignas(64) ServerSlot {
  std::atomic<int32_t> active{0};  // requests in flight, all workers (least_conn)
  // Passive health (see passive_health.h).
  std::atomic<uint32_t> fails{0};           // failures in the current window
  std::atomic<int64_t> window_start_ms{0};  // when the window's first failure happened
  std::atomic<int64_t> out_until_ms{0};     // 0: in; else out until then, then one trial
  std::atomic<int64_t> trial_until_ms{0};   // a trial request is under way until then
  // Active health, written by the one worker that probes (see health_checker.h).
  std::atomic<bool> probe_down{false};
  std::atomic<uint32_t> probe_streak{0};  // consecutive probes that contradict probe_down
};

// How big the shared table is: fixed when the master starts, as workers forked later inherit the
// mapping and cannot follow it to a new one.
struct SharedTableSize {
  size_t slots = 0;
  size_t columns = 0;  // worker processes alive at once, all generations together
};

// The shared memory itself: the server slots, the addresses each resolved name's positions hold,
// a version that changes whenever one of those addresses does, and, per worker process (column),
// how many of each slot's in-flight requests are that worker's, so that the master can take back
// a crashed worker's share of `active`. A view: copies point at the same memory.
class SharedServerTable {
 public:
  // Generations alive at once: the serving one, one starting and four draining
  // (Master::kMaxDrainingGenerations).
  static constexpr size_t kGenerations = 6;
  static constexpr size_t kMinSlots = 4096;
  static constexpr size_t kMinColumns = 128;

  // Room for kGenerations generations of a config like `config` run with `workers` workers, even
  // if each reload replaced every server; never below the minimums.
  static SharedTableSize size_for(const Config& config, unsigned workers);
  // Bytes of memory a table of `size` maps.
  static size_t bytes_for(SharedTableSize size);

  SharedServerTable() = default;
  // Lays a table of `size` out over `memory` (bytes_for(size) bytes, zero-filled) and
  // initialises it.
  SharedServerTable(void* memory, SharedTableSize size);

  size_t slot_count() const { return size_.slots; }
  size_t column_count() const { return size_.columns; }
  ServerSlot& slot(uint32_t index) const { return slots_[index]; }
  PublishedAddress& address(uint32_t index) const { return addresses_[index]; }
  std::atomic<int32_t>& ledger(int column, uint32_t slot) const {
    return ledger_[static_cast<size_t>(column) * size_.slots + slot];
  }
  // Bumped (release) after every change of a published address; a worker that reads the same
  // value (acquire) as last time has nothing to follow.
  std::atomic<uint64_t>& membership_version() const { return *version_; }

 private:
  SharedTableSize size_;
  std::atomic<uint64_t>* version_ = nullptr;
  ServerSlot* slots_ = nullptr;
  PublishedAddress* addresses_ = nullptr;
  std::atomic<int32_t>* ledger_ = nullptr;
};

// slots[u][s][p]: the slot of position p of Config::upstreams[u].servers[s] (one position for an
// IP address, kMaxAddressesPerName for a name).
using SlotMap = std::vector<std::vector<std::vector<uint32_t>>>;

// What a worker gets from its master to reach the shared state.
struct SharedStateHandle {
  SharedServerTable* table = nullptr;
  SlotMap slots;
  int column = -1;  // this worker's ledger column (a worker is never started without one)
  bool runs_health_checks = false;
};

// A resolved name's addresses changed: what the master logs.
struct NameUpdate {
  std::string upstream;
  std::string server;                    // "NAME:PORT"
  std::vector<SocketAddress> addresses;  // all it has now, in address order
  PositionChange change;
};

// The master's side: maps the table once, gives each (upstream, server) pair its slots, which it
// keeps for as long as some generation's config holds that pair, publishes the addresses of the
// names, and hands out ledger columns to worker processes.
class SharedStateRegistry {
  struct ConstructionKey {};

 public:
  // A name of some live generation, as the master resolves it again.
  struct ResolvedName {
    std::string upstream;
    std::string name;  // lower-case
    uint16_t port = 0;
    Duration interval{0};  // the resolve interval of the newest config that has it
    std::optional<std::chrono::seconds> ttl;  // of the answer that config was loaded with
    std::vector<uint32_t> slots;              // one per position
    NamePositions positions;
  };

  // nullptr with `error` set when the memory cannot be mapped.
  static std::unique_ptr<SharedStateRegistry> create(SharedTableSize size, std::string& error);
  SharedStateRegistry(ConstructionKey, SharedMapping memory, SharedTableSize size);
  ~SharedStateRegistry();
  SharedStateRegistry(const SharedStateRegistry&) = delete;
  SharedStateRegistry& operator=(const SharedStateRegistry&) = delete;

  SharedServerTable& table() { return table_; }
  // Slots for every server of `config`; a pair seen before keeps its slots and their state. A
  // name's positions take the addresses the config was loaded with. Fails (and assigns nothing)
  // when the table has no room for the new pairs.
  std::optional<SlotMap> assign(const Config& config, std::string& error);
  // Frees the slots that none of `live` uses any more, so their state starts fresh if the server
  // comes back.
  void release_unused(const std::vector<const SlotMap*>& live);

  // The names to keep resolving, by key.
  const std::map<std::string, ResolvedName>& names() const { return names_; }
  // Makes `addresses` (port 0; sorted, distinct) the name's current ones. nullopt when nothing
  // changed or the name is no longer in any config.
  std::optional<NameUpdate> publish(const std::string& key,
                                    const std::vector<SocketAddress>& addresses);

  // -1 when every column is taken.
  int acquire_column();
  size_t free_columns() const;
  // The worker owning `column` has exited: whatever it still counted in flight is not.
  void release_column(int column);

 private:
  static std::string literal_key(const std::string& upstream, const std::string& address);
  static std::string name_key(const std::string& upstream, const UpstreamServerConfig& server);
  size_t slots_needed(const Config& config) const;
  uint32_t take_slot();
  void reset_slot(uint32_t slot);
  void reset_health(uint32_t slot);
  std::optional<NameUpdate> place(ResolvedName& name, const std::vector<SocketAddress>& addresses);

  SharedMapping memory_;
  SharedServerTable table_;
  std::map<std::string, uint32_t> literal_slots_;
  std::map<std::string, ResolvedName> names_;
  std::vector<uint32_t> free_slots_;
  std::vector<bool> column_taken_;
};

// Milliseconds on CLOCK_MONOTONIC: one timeline for every process of the instance.
int64_t monotonic_ms();

}  // namespace relay7
