#include "relay7/metrics/metric_table.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <new>

namespace relay7 {
namespace {

constexpr size_t kLine = 64;

size_t round_up(size_t bytes) {
  return (bytes + kLine - 1) / kLine * kLine;
}

}  // namespace

int64_t unix_time_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

static_assert(std::atomic_ref<uint64_t>::is_always_lock_free);
static_assert(std::atomic_ref<uint64_t>::required_alignment <= alignof(uint64_t));

size_t MetricTable::bytes_for(size_t columns, size_t slots) {
  return round_up(sizeof(MasterFacts)) + columns * sizeof(WorkerFacts) +
         columns * round_up(slots * sizeof(std::atomic<uint64_t>));
}

MetricTable::MetricTable(void* memory, size_t columns, size_t slots)
    : columns_(columns), slots_(round_up(slots * sizeof(uint64_t)) / sizeof(uint64_t)) {
  auto* bytes = static_cast<unsigned char*>(memory);
  master_ = new (bytes) MasterFacts();
  bytes += round_up(sizeof(MasterFacts));
  workers_ = reinterpret_cast<WorkerFacts*>(bytes);
  for (size_t i = 0; i < columns; ++i) {
    new (&workers_[i]) WorkerFacts();
  }
  bytes += columns * sizeof(WorkerFacts);
  cells_ = reinterpret_cast<uint64_t*>(bytes);
}

uint64_t MetricTable::worker_count() const {
  uint64_t count = 0;
  for (size_t column = 0; column < columns_; ++column) {
    count += workers_[column].pid.load(std::memory_order_relaxed) > 0 ? 1 : 0;
  }
  return count;
}

uint64_t MetricTable::sum(uint32_t slot) const {
  uint64_t total = 0;
  for (size_t column = 0; column < columns_; ++column) {
    total +=
        std::atomic_ref<uint64_t>(cells_[column * slots_ + slot]).load(std::memory_order_relaxed);
  }
  return total;
}

void MetricTable::publish_reload(const ReloadFacts& facts) const {
  MasterFacts& m = *master_;
  const uint64_t sequence = m.reload_sequence.load(std::memory_order_relaxed);
  m.reload_sequence.store(sequence + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  m.reload_unix_ms.store(facts.unix_ms, std::memory_order_relaxed);
  m.reload_ok.store(facts.ok ? 1 : 0, std::memory_order_relaxed);
  const size_t length = std::min(facts.message.size(), MasterFacts::kMessageBytes);
  m.reload_message_length.store(static_cast<uint32_t>(length), std::memory_order_relaxed);
  for (size_t word = 0; word * 8 < length; ++word) {
    uint64_t value = 0;
    std::memcpy(&value, facts.message.data() + word * 8, std::min<size_t>(8, length - word * 8));
    m.reload_message[word].store(value, std::memory_order_relaxed);
  }
  m.reload_sequence.store(sequence + 2, std::memory_order_release);
}

std::optional<ReloadFacts> MetricTable::read_reload() const {
  const MasterFacts& m = *master_;
  for (int attempt = 0; attempt < 4; ++attempt) {
    const uint64_t before = m.reload_sequence.load(std::memory_order_acquire);
    if (before == 0) {
      return std::nullopt;
    }
    if (before % 2 != 0) {
      continue;
    }
    ReloadFacts facts;
    facts.unix_ms = m.reload_unix_ms.load(std::memory_order_relaxed);
    facts.ok = m.reload_ok.load(std::memory_order_relaxed) != 0;
    const size_t length = std::min<size_t>(m.reload_message_length.load(std::memory_order_relaxed),
                                           MasterFacts::kMessageBytes);
    facts.message.resize(length);
    for (size_t word = 0; word * 8 < length; ++word) {
      const uint64_t value = m.reload_message[word].load(std::memory_order_relaxed);
      std::memcpy(facts.message.data() + word * 8, &value, std::min<size_t>(8, length - word * 8));
    }
    std::atomic_thread_fence(std::memory_order_acquire);
    if (m.reload_sequence.load(std::memory_order_relaxed) == before) {
      return facts;
    }
  }
  return std::nullopt;
}

}  // namespace relay7
