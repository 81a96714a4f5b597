#include "relay7/memory/small_object_region.h"

#include <sys/mman.h>
#include <unistd.h>

#include <new>

namespace relay7 {
namespace {

size_t page_rounded(size_t bytes) {
  const auto page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  return (bytes + page - 1) / page * page;
}

}  // namespace

SmallObjectRegion::SmallObjectRegion(size_t class_bytes) : class_bytes_(page_rounded(class_bytes)) {
  // NORESERVE: address space only; pages come into being (and count) when first written.
  void* region = ::mmap(nullptr, class_bytes_ * kClasses, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (region == MAP_FAILED) {
    class_bytes_ = 0;
    return;
  }
  base_ = static_cast<std::byte*>(region);
}

SmallObjectRegion::~SmallObjectRegion() {
  // A region with slots in use is left mapped: what was allocated from it may still be freed.
  if (base_ != nullptr && in_use_ == 0) {
    ::munmap(base_, class_bytes_ * kClasses);
  }
}

void* SmallObjectRegion::allocate(size_t size) {
  if (base_ == nullptr || size == 0 || size > kMaxSize) {
    return nullptr;
  }
  const size_t index = (size - 1) / kGranule;
  SizeClass& size_class = classes_[index];
  const size_t slot = (index + 1) * kGranule;
  void* pointer = nullptr;
  if (size_class.free != nullptr) {
    pointer = size_class.free;
    size_class.free = size_class.free->next;
  } else if (size_class.used_bytes + slot <= class_bytes_) {
    pointer = base_ + index * class_bytes_ + size_class.used_bytes;
    size_class.used_bytes += slot;
  } else {
    return nullptr;
  }
  ++in_use_;
  return pointer;
}

bool SmallObjectRegion::owns(const void* pointer) const {
  const auto* byte = static_cast<const std::byte*>(pointer);
  return base_ != nullptr && byte >= base_ && byte < base_ + class_bytes_ * kClasses;
}

size_t SmallObjectRegion::class_index(const void* pointer) const {
  return static_cast<size_t>(static_cast<const std::byte*>(pointer) - base_) / class_bytes_;
}

size_t SmallObjectRegion::slot_size(const void* pointer) const {
  return (class_index(pointer) + 1) * kGranule;
}

void SmallObjectRegion::deallocate(void* pointer) {
  SizeClass& size_class = classes_[class_index(pointer)];
  size_class.free = ::new (pointer) FreeSlot{size_class.free};
  --in_use_;
}

}  // namespace relay7
