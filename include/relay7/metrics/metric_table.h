#pragma once

#include <sys/types.h>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace relay7 {

// What the master knows and a /status or /metrics page shows: written by the master only.
struct MasterFacts {
  static constexpr size_t kMessageBytes = 512;

  std::atomic<uint64_t> generation{0};  // the one serving
  std::atomic<uint64_t> reloads_ok{0};
  std::atomic<uint64_t> reloads_failed{0};
  // The last reload, under a sequence lock (odd while the master writes): a reader that sees the
  // number change retries a few times and then gives up, so it never waits for the master.
  std::atomic<uint64_t> reload_sequence{0};
  std::atomic<int64_t> reload_unix_ms{0};  // 0: no reload yet
  std::atomic<uint32_t> reload_ok{0};
  std::atomic<uint32_t> reload_message_length{0};
  std::atomic<uint64_t> reload_message[kMessageBytes / 8]{};
};

// One worker process as the master started it, by column (see SharedStateRegistry).
struct alignas(64) WorkerFacts {
  std::atomic<int32_t> pid{0};  // 0: the column is free
  std::atomic<uint64_t> generation{0};
  std::atomic<int64_t> started_unix_ms{0};
};

struct ReloadFacts {
  bool ok = true;
  int64_t unix_ms = 0;
  std::string message;
};

// The counters of every process of the instance, in memory the master maps before it forks any
// worker. Each process writes only its own stripe (a row of `slots` cells, one per column, as the
// ledger of shared_state.h), so a counter update is a plain relaxed store into a cache line no
// other process writes; a reader adds the stripes up. A view: copies point at the same memory.
class MetricTable {
 public:
  static size_t bytes_for(size_t columns, size_t slots);

  MetricTable() = default;
  // Lays a table out over `memory` (bytes_for(...) bytes, zero-filled).
  MetricTable(void* memory, size_t columns, size_t slots);

  size_t columns() const { return columns_; }
  size_t slots() const { return slots_; }
  MasterFacts& master() const { return *master_; }
  WorkerFacts& worker(size_t column) const { return workers_[column]; }
  // Worker processes running, all generations: the columns that hold a pid.
  uint64_t worker_count() const;
  // Plain integers, only ever accessed through std::atomic_ref: the mapping is zero-filled, so
  // the table never has to write (and so make resident) a cell no process counts in.
  uint64_t* stripe(size_t column) const { return cells_ + column * slots_; }
  // All stripes together; a gauge's cells hold two's-complement deltas, read back as signed.
  uint64_t sum(uint32_t slot) const;

  // The master's side of the reload facts.
  void publish_reload(const ReloadFacts& facts) const;
  // nullopt before the first reload, or when the master was writing each time it was read.
  std::optional<ReloadFacts> read_reload() const;

 private:
  size_t columns_ = 0;
  size_t slots_ = 0;
  MasterFacts* master_ = nullptr;
  WorkerFacts* workers_ = nullptr;
  uint64_t* cells_ = nullptr;
};

// Milliseconds since the Unix epoch: the times /status shows.
int64_t unix_time_ms();

}  // namespace relay7
