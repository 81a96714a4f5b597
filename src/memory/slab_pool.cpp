#include "relay7/memory/slab_pool.h"

#include <algorithm>
#include <new>

namespace relay7 {
namespace {

size_t rounded_slot_size(size_t slot_size, size_t slot_alignment) {
  const size_t alignment = std::max(slot_alignment, alignof(std::max_align_t));
  const size_t size = std::max(slot_size, sizeof(void*));
  return (size + alignment - 1) / alignment * alignment;
}

}  // namespace

SlabPool::SlabPool(size_t slot_size, size_t slot_alignment)
    : slot_size_(rounded_slot_size(slot_size, slot_alignment)),
      slots_per_block_(kBlockBytes / slot_size_) {
  if (slot_alignment > alignof(std::max_align_t) || slots_per_block_ == 0) {
    // Blocks come from operator new[], aligned for max_align_t only; a slot of more than a
    // block has no business in a pool.
    throw std::bad_alloc();
  }
}

SlabPool::~SlabPool() {
  if (in_use_ != 0) {
    for (std::unique_ptr<std::byte[]>& block : blocks_) {
      static_cast<void>(block.release());
    }
  }
}

void* SlabPool::allocate() {
  if (free_ != nullptr) {
    FreeSlot* slot = free_;
    free_ = slot->next;
    ++in_use_;
    return slot;
  }
  if (unused_count_ == 0) {
    add_block();
  }
  std::byte* slot = unused_;
  unused_ += slot_size_;
  --unused_count_;
  ++in_use_;
  return slot;
}

void SlabPool::deallocate(void* slot) noexcept {
  if (slot == nullptr) {
    return;
  }
  free_ = ::new (slot) FreeSlot{free_};
  --in_use_;
}

void SlabPool::add_block() {
  blocks_.reserve(blocks_.size() + 1);  // may throw before anything changes
  // for_overwrite: no zeroing, so the block's pages stay untouched until slots are used.
  blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(kBlockBytes));
  unused_ = blocks_.back().get();
  unused_count_ = slots_per_block_;
}

}  // namespace relay7
