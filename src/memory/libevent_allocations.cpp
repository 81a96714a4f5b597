#include "relay7/memory/libevent_allocations.h"

#include <event2/event.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "relay7/memory/pooling.h"
#include "relay7/memory/small_object_region.h"

namespace relay7 {
namespace {

// 16 MiB of address space per size class: a million 16-byte records, far more file
// descriptors than a worker has; a full class falls back to malloc.
constexpr size_t kClassBytes = 16 * 1024 * 1024;

SmallObjectRegion& region() {
  // Never destroyed: libevent may still free into it from exit handlers.
  alignas(SmallObjectRegion) static std::byte storage[sizeof(SmallObjectRegion)];
  static SmallObjectRegion* const instance = ::new (storage) SmallObjectRegion(kClassBytes);
  return *instance;
}

void* allocate(size_t size) {
  void* pointer = region().allocate(size);
  return pointer != nullptr ? pointer : std::malloc(size);
}

void release(void* pointer) {
  if (pointer == nullptr) {
    return;
  }
  if (region().owns(pointer)) {
    region().deallocate(pointer);
  } else {
    std::free(pointer);
  }
}

void* reallocate(void* pointer, size_t size) {
  if (pointer == nullptr) {
    return allocate(size);
  }
  if (size == 0) {
    release(pointer);
    return nullptr;
  }
  if (!region().owns(pointer)) {
    return std::realloc(pointer, size);
  }
  const size_t slot = region().slot_size(pointer);
  if (size <= slot) {
    return pointer;
  }
  void* moved = allocate(size);
  if (moved != nullptr) {
    std::memcpy(moved, pointer, std::min(slot, size));
    region().deallocate(pointer);
  }
  return moved;
}

}  // namespace

bool route_libevent_allocations() {
#ifdef EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED
  // A plain if, not if constexpr: the functions stay referenced in sanitizer builds too.
  if (kPoolingEnabled) {
    event_set_mem_functions(&allocate, &reallocate, &release);
    return true;
  }
#endif
  return false;
}

}  // namespace relay7
