#include "relay7/transport/io_buffer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "io_buffer_text.h"

namespace relay7 {
namespace {

std::string pattern(size_t length) {
  std::string out(length, '\0');
  for (size_t i = 0; i < length; ++i) {
    out[i] = static_cast<char>('a' + i % 26);
  }
  return out;
}

TEST(BlockPoolTest, KeepsBlocksForReuseUpToItsLimitAndReleasesAllButSomeOnRequest) {
  BlockPool pool(4);
  std::vector<BlockPool::Block> blocks;
  for (int i = 0; i < 6; ++i) {
    blocks.push_back(pool.take());
  }
  for (BlockPool::Block& block : blocks) {
    pool.give_back(std::move(block));
  }
  EXPECT_EQ(pool.free_count(), 4u);
  pool.release_free(1);
  EXPECT_EQ(pool.free_count(), 1u);
  pool.release_free(3);
  EXPECT_EQ(pool.free_count(), 1u) << "release_free never adds blocks";
}

TEST(IoBufferTest, AppendAndConsumeAcrossBlocks) {
  BlockPool pool;
  IoBuffer buffer(pool);
  const std::string bytes = pattern(BlockPool::kBlockSize * 2 + 100);
  buffer.append(bytes);
  EXPECT_EQ(buffer.size(), bytes.size());
  EXPECT_EQ(testing::text_of(buffer), bytes);
  EXPECT_EQ(buffer.front(), std::string_view(bytes).substr(0, BlockPool::kBlockSize));
  buffer.consume(BlockPool::kBlockSize + 7);
  EXPECT_EQ(testing::text_of(buffer), bytes.substr(BlockPool::kBlockSize + 7));
  buffer.consume(buffer.size());
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(pool.free_count(), 3u) << "an empty buffer keeps no block";
}

TEST(IoBufferTest, ReserveAndCommitFillTheTailThenFreshBlocks) {
  BlockPool pool;
  IoBuffer buffer(pool);
  buffer.append("head");
  iovec space[4];
  const size_t count = buffer.reserve(BlockPool::kBlockSize * 2, space, 4);
  ASSERT_EQ(count, 3u);
  EXPECT_EQ(space[0].iov_len, BlockPool::kBlockSize - 4);
  EXPECT_EQ(space[1].iov_len, BlockPool::kBlockSize);
  EXPECT_EQ(space[2].iov_len, 4u);
  // A read that fills the tail and part of the first fresh block.
  std::memset(space[0].iov_base, 'x', space[0].iov_len);
  std::memcpy(space[1].iov_base, "yz", 2);
  buffer.commit(space[0].iov_len + 2);
  EXPECT_EQ(buffer.size(), BlockPool::kBlockSize + 2);
  EXPECT_EQ(testing::text_of(buffer).substr(BlockPool::kBlockSize), "yz");
  EXPECT_EQ(pool.free_count(), 1u) << "the unused fresh block went back";
}

TEST(IoBufferTest, ACommitOfNothingGivesTheFreshBlocksBack) {
  BlockPool pool;
  IoBuffer buffer(pool);
  iovec space[2];
  ASSERT_EQ(buffer.reserve(100, space, 2), 1u);
  EXPECT_EQ(space[0].iov_len, 100u);
  buffer.commit(0);
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(pool.free_count(), 1u);
}

TEST(IoBufferTest, MoveHandsWholeBlocksOverAndCopiesAPart) {
  BlockPool pool;
  IoBuffer from(pool);
  IoBuffer to(pool);
  const std::string bytes = pattern(BlockPool::kBlockSize + 10);
  from.append(bytes);
  to.append("<");
  from.move_to(to, BlockPool::kBlockSize + 5);
  EXPECT_EQ(testing::text_of(to), "<" + bytes.substr(0, BlockPool::kBlockSize + 5));
  EXPECT_EQ(testing::text_of(from), bytes.substr(BlockPool::kBlockSize + 5));
  to.append(">");
  EXPECT_EQ(testing::text_of(to).back(), '>');
}

TEST(IoBufferTest, CopyLeavesTheSourceAsItWas) {
  BlockPool pool;
  IoBuffer from(pool);
  IoBuffer to(pool);
  from.append("abcdef");
  from.copy_to(to, 4);
  EXPECT_EQ(testing::text_of(to), "abcd");
  EXPECT_EQ(testing::text_of(from), "abcdef");
}

TEST(IoBufferTest, APoolKeepsAtMostItsBound) {
  BlockPool pool(2);
  {
    IoBuffer buffer(pool);
    buffer.append(pattern(BlockPool::kBlockSize * 4));
  }
  EXPECT_EQ(pool.free_count(), 2u);
}

TEST(IoBufferTest, MovedFromBuffersAreEmpty) {
  BlockPool pool;
  IoBuffer first(pool);
  first.append("bytes");
  IoBuffer second(std::move(first));
  EXPECT_EQ(testing::text_of(second), "bytes");
  EXPECT_TRUE(first.empty());  // NOLINT(bugprone-use-after-move): what is tested
  first.append("again");
  EXPECT_EQ(testing::text_of(first), "again");
}

}  // namespace
}  // namespace relay7
