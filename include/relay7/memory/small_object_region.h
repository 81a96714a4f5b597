#pragma once

#include <cstddef>
#include <cstdint>

namespace relay7 {

// Small allocations (up to kMaxSize bytes) in a reserved stretch of address space of their own,
// one sub-region per size class, so that a pointer's class is its address.
//
// Why: libevent keeps a record of a few bytes for every file descriptor number it has watched,
// for the life of the event base. Taken from malloc's heap during a burst of connections, those
// records land between the much larger sessions; once the connections are idle and the sessions
// freed, each record pins the page it sits on and malloc_trim cannot give the sessions' memory
// back (measured: 700 B per idle connection in the worker instead of 450). Kept here, they
// take a few dense pages. Reserved space costs nothing until a page is touched.
//
// One thread per process uses it (a worker's loop; the master before and between forks): no lock.
class SmallObjectRegion {
 public:
  static constexpr size_t kGranule = 16;
  static constexpr size_t kMaxSize = 64;
  static constexpr size_t kClasses = kMaxSize / kGranule;

  // Reserves kClasses * `class_bytes` of address space (rounded up to pages); nothing is usable
  // when the reservation fails (every allocate() then returns nullptr).
  explicit SmallObjectRegion(size_t class_bytes);
  ~SmallObjectRegion();
  SmallObjectRegion(const SmallObjectRegion&) = delete;
  SmallObjectRegion& operator=(const SmallObjectRegion&) = delete;

  // nullptr when `size` is 0 or above kMaxSize, or its class is full: the caller uses malloc.
  void* allocate(size_t size);
  bool owns(const void* pointer) const;
  // For a pointer the region owns: the bytes its slot holds.
  size_t slot_size(const void* pointer) const;
  void deallocate(void* pointer);

  size_t slots_in_use() const { return in_use_; }

 private:
  struct FreeSlot {
    FreeSlot* next;
  };
  struct SizeClass {
    FreeSlot* free = nullptr;
    size_t used_bytes = 0;  // bump offset into the class's sub-region
  };

  size_t class_index(const void* pointer) const;

  std::byte* base_ = nullptr;
  size_t class_bytes_ = 0;
  SizeClass classes_[kClasses];
  size_t in_use_ = 0;
};

}  // namespace relay7
