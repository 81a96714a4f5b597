#include "relay7/memory/slab_pool.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <set>
#include <vector>

namespace relay7 {
namespace {

TEST(SlabPoolTest, HandsOutDistinctAlignedSlotsThatDoNotOverlap) {
  SlabPool pool(40, alignof(void*));
  ASSERT_EQ(pool.slot_size(), 48u) << "rounded up to malloc's alignment";
  std::vector<unsigned char*> slots;
  for (int i = 0; i < 100; ++i) {
    auto* slot = static_cast<unsigned char*>(pool.allocate());
    ASSERT_EQ(reinterpret_cast<uintptr_t>(slot) % alignof(std::max_align_t), 0u);
    std::memset(slot, i, pool.slot_size());
    slots.push_back(slot);
  }
  for (int i = 0; i < 100; ++i) {
    for (size_t byte = 0; byte < pool.slot_size(); ++byte) {
      ASSERT_EQ(slots[i][byte], static_cast<unsigned char>(i)) << "slot " << i << " overwritten";
    }
  }
  EXPECT_EQ(pool.slots_in_use(), 100u);
  for (unsigned char* slot : slots) {
    pool.deallocate(slot);
  }
  EXPECT_EQ(pool.slots_in_use(), 0u);
}

TEST(SlabPoolTest, ReusesASlotGivenBack) {
  SlabPool pool(64, alignof(void*));
  void* first = pool.allocate();
  void* second = pool.allocate();
  pool.deallocate(first);
  EXPECT_EQ(pool.allocate(), first);
  pool.deallocate(first);
  pool.deallocate(second);
}

TEST(SlabPoolTest, AddsABlockWhenOneIsFull) {
  SlabPool pool(256, alignof(void*));
  const size_t per_block = SlabPool::kBlockBytes / pool.slot_size();
  std::set<void*> slots;
  for (size_t i = 0; i < per_block; ++i) {
    slots.insert(pool.allocate());
  }
  EXPECT_EQ(pool.block_count(), 1u);
  slots.insert(pool.allocate());
  EXPECT_EQ(pool.block_count(), 2u);
  EXPECT_EQ(slots.size(), per_block + 1) << "every slot distinct";
  for (void* slot : slots) {
    pool.deallocate(slot);
  }
}

struct Pooled : SlabAllocated<Pooled> {
  virtual ~Pooled() = default;
  char payload[72];
};

struct LargerSubclass final : Pooled {
  char more[200];
};

TEST(SlabPoolTest, AClassTakesItsObjectsFromItsPoolAndASubclassFromTheHeap) {
  const size_t before = Pooled::pool().slots_in_use();
  auto pooled = std::make_unique<Pooled>();
  EXPECT_EQ(Pooled::pool().slots_in_use(), before + (kPoolingEnabled ? 1 : 0));
  std::unique_ptr<Pooled> larger = std::make_unique<LargerSubclass>();
  EXPECT_EQ(Pooled::pool().slots_in_use(), before + (kPoolingEnabled ? 1 : 0))
      << "a larger object does not fit a slot";
  larger.reset();  // through the base: the sized delete sends it back to the heap
  pooled.reset();
  EXPECT_EQ(Pooled::pool().slots_in_use(), before);
}

}  // namespace
}  // namespace relay7
