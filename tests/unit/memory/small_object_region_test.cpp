#include "relay7/memory/small_object_region.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace relay7 {
namespace {

constexpr size_t kPage = 4096;

TEST(SmallObjectRegionTest, ServesOnlySizesUpToTheLargestClass) {
  SmallObjectRegion region(kPage);
  EXPECT_EQ(region.allocate(0), nullptr);
  EXPECT_EQ(region.allocate(SmallObjectRegion::kMaxSize + 1), nullptr);
  void* largest = region.allocate(SmallObjectRegion::kMaxSize);
  ASSERT_NE(largest, nullptr);
  region.deallocate(largest);
}

TEST(SmallObjectRegionTest, ASlotIsTheSizeRoundedUpToItsClass) {
  SmallObjectRegion region(kPage);
  std::vector<void*> slots;
  for (size_t size = 1; size <= SmallObjectRegion::kMaxSize; ++size) {
    void* slot = region.allocate(size);
    ASSERT_NE(slot, nullptr) << size;
    EXPECT_TRUE(region.owns(slot));
    EXPECT_EQ(region.slot_size(slot), (size + 15) / 16 * 16) << size;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(slot) % 16, 0u);
    std::memset(slot, 0xab, region.slot_size(slot));
    slots.push_back(slot);
  }
  EXPECT_EQ(region.slots_in_use(), SmallObjectRegion::kMaxSize);
  for (void* slot : slots) {
    region.deallocate(slot);
  }
  EXPECT_EQ(region.slots_in_use(), 0u);
}

TEST(SmallObjectRegionTest, ReusesASlotGivenBackInItsOwnClass) {
  SmallObjectRegion region(kPage);
  void* small = region.allocate(16);
  void* large = region.allocate(48);
  region.deallocate(small);
  region.deallocate(large);
  EXPECT_EQ(region.allocate(40), large);
  EXPECT_EQ(region.allocate(10), small);
  region.deallocate(small);
  region.deallocate(large);
}

TEST(SmallObjectRegionTest, AFullClassSendsTheCallerToMalloc) {
  SmallObjectRegion region(kPage);
  std::vector<void*> slots;
  for (size_t i = 0; i < kPage / 16; ++i) {
    slots.push_back(region.allocate(16));
    ASSERT_NE(slots.back(), nullptr) << i;
  }
  EXPECT_EQ(region.allocate(16), nullptr);
  void* other_class = region.allocate(32);
  EXPECT_NE(other_class, nullptr) << "each class has its own space";
  region.deallocate(other_class);
  for (void* slot : slots) {
    region.deallocate(slot);
  }
}

TEST(SmallObjectRegionTest, DoesNotOwnMemoryFromElsewhere) {
  SmallObjectRegion region(kPage);
  void* heap = std::malloc(16);
  int on_stack = 0;
  EXPECT_FALSE(region.owns(heap));
  EXPECT_FALSE(region.owns(&on_stack));
  std::free(heap);
}

}  // namespace
}  // namespace relay7
