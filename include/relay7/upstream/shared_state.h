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

namespace relay7 {

// One upstream server's state as every worker of the instance sees it. It lives in memory the
// master maps shared before it forks any worker, so all generations see the same slot and the
// state of a server that stays in the config survives a reload.
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

// The shared memory itself: server slots and, per worker process, how many of each slot's
// in-flight requests are that worker's, so that the master can take back a crashed worker's
// share of `active`.
struct SharedServerTable {
  static constexpr size_t kSlots = 4096;
  static constexpr size_t kColumns = 128;  // worker processes alive at once, all generations
  ServerSlot slots[kSlots];
  std::atomic<int32_t> ledger[kColumns][kSlots];
};

// slots[u][s]: the slot of Config::upstreams[u].servers[s].
using SlotMap = std::vector<std::vector<uint32_t>>;

// What a worker gets from its master to reach the shared state.
struct SharedStateHandle {
  SharedServerTable* table = nullptr;
  SlotMap slots;
  int column = -1;  // this worker's ledger column; -1: none was free (counts are not ledgered)
  bool runs_health_checks = false;
};

// The master's side: maps the table once, gives each (upstream name, server address) pair a slot
// that it keeps for as long as some generation's config holds that pair, and hands out ledger
// columns to worker processes.
class SharedStateRegistry {
  struct ConstructionKey {};

 public:
  // nullptr with `error` set when the memory cannot be mapped.
  static std::unique_ptr<SharedStateRegistry> create(std::string& error);
  SharedStateRegistry(ConstructionKey, SharedServerTable* table);
  ~SharedStateRegistry();
  SharedStateRegistry(const SharedStateRegistry&) = delete;
  SharedStateRegistry& operator=(const SharedStateRegistry&) = delete;

  SharedServerTable& table() { return *table_; }
  // Slots for every server of `config`; a pair seen before keeps its slot and its state. Fails
  // (and assigns nothing) when the table has no room for the new pairs.
  std::optional<SlotMap> assign(const Config& config, std::string& error);
  // Frees the slots that none of `live` uses any more, so their state starts fresh if the server
  // comes back.
  void release_unused(const std::vector<const SlotMap*>& live);
  // -1 when every column is taken.
  int acquire_column();
  // The worker owning `column` has exited: whatever it still counted in flight is not.
  void release_column(int column);

 private:
  static std::string slot_key(const std::string& upstream, const std::string& address);
  void reset_slot(uint32_t slot);

  SharedServerTable* table_;
  std::map<std::string, uint32_t> slot_by_key_;
  std::vector<uint32_t> free_slots_;
  std::vector<bool> column_taken_;
};

// Milliseconds on CLOCK_MONOTONIC: one timeline for every process of the instance.
int64_t monotonic_ms();

}  // namespace relay7
