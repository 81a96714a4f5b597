#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "relay7/memory/pooling.h"

namespace relay7 {

// Fixed-size slots carved from blocks that hold nothing else.
//
// Why: an idle keep-alive connection keeps two small objects (its transport and its parked
// state) while the much larger HTTP session that sat between them in malloc's heap is freed.
// Left in the general heap, those small survivors pin nearly every page the sessions used, so
// malloc_trim() cannot give the pages back; gathered in blocks of their own, the sessions'
// pages come back whole. A worker is one thread, so the pool takes no lock.
//
// Blocks are never returned while slots are in use: a pool is as large as its peak.
class SlabPool {
 public:
  SlabPool(size_t slot_size, size_t slot_alignment);
  // Releases the blocks when every slot has come back; otherwise keeps them (an object still
  // alive at exit must not find its memory gone).
  ~SlabPool();
  SlabPool(const SlabPool&) = delete;
  SlabPool& operator=(const SlabPool&) = delete;

  // A slot of slot_size() bytes; throws std::bad_alloc as operator new does.
  void* allocate();
  // Takes back a slot that allocate() gave out.
  void deallocate(void* slot) noexcept;

  size_t slot_size() const { return slot_size_; }
  size_t slots_in_use() const { return in_use_; }
  size_t block_count() const { return blocks_.size(); }

  // Bytes per block: 16 pages, so that a block is neither a large share of a small worker's
  // heap nor one malloc chunk per handful of connections.
  static constexpr size_t kBlockBytes = 64 * 1024;

 private:
  struct FreeSlot {
    FreeSlot* next;
  };

  void add_block();

  size_t slot_size_;
  size_t slots_per_block_;
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  FreeSlot* free_ = nullptr;  // slots given back, reused first
  // Slots of the newest block never handed out: taken in order, so that pages of a new block
  // are touched (and counted in RSS) only as they are used.
  std::byte* unused_ = nullptr;
  size_t unused_count_ = 0;
  size_t in_use_ = 0;
};

// Gives a class (and only objects of exactly that class: a larger subclass goes to the general
// heap) slots from a pool of its own. Derive from SlabAllocated<T> in T.
template <typename T>
class SlabAllocated {
 public:
  static void* operator new(size_t size) {
    return kPoolingEnabled && size == sizeof(T) ? pool().allocate() : ::operator new(size);
  }
  // Sized: a virtual destructor passes the size of the object's own class.
  static void operator delete(void* object, size_t size) noexcept {
    if (kPoolingEnabled && size == sizeof(T)) {
      pool().deallocate(object);
    } else {
      // Unsized: clang before 19 declares the global sized form only with -fsized-deallocation.
      ::operator delete(object);
    }
  }

  static SlabPool& pool() {
    static SlabPool instance(sizeof(T), alignof(T));
    return instance;
  }

 protected:
  SlabAllocated() = default;
  ~SlabAllocated() = default;
};

}  // namespace relay7
