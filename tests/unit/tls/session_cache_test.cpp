#include "relay7/tls/session_cache.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <ctime>
#include <vector>

namespace relay7 {
namespace {

using Bytes = std::vector<unsigned char>;

std::unique_ptr<SharedSessionCache> make_cache() {
  std::string error;
  auto cache = SharedSessionCache::create(error);
  EXPECT_TRUE(cache) << error;
  return cache;
}

Bytes id_of(unsigned char first, unsigned char rest = 7) {
  Bytes id(32, rest);
  id[0] = first;
  return id;
}

Bytes found(const SharedSessionCache& cache, const Bytes& id, std::time_t now) {
  std::array<unsigned char, SharedSessionCache::kMaxSessionBytes> out{};
  const size_t length = cache.find(id, now, out);
  return Bytes(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(length));
}

TEST(SharedSessionCacheTest, FindsWhatWasStoredUntilItExpires) {
  auto cache = make_cache();
  const Bytes id = id_of(1);
  const Bytes session{1, 2, 3, 4, 5};
  ASSERT_TRUE(cache->store(id, session, 1000));
  EXPECT_EQ(found(*cache, id, 999), session);
  EXPECT_EQ(found(*cache, id, 1000), Bytes{});
  EXPECT_EQ(found(*cache, id_of(2), 10), Bytes{});
}

TEST(SharedSessionCacheTest, ANewerSessionInTheSameSlotReplacesTheOlder) {
  auto cache = make_cache();
  // The first 8 bytes pick the slot: these two differ only after them.
  Bytes older = id_of(9, 1);
  Bytes newer = id_of(9, 1);
  newer[20] = 2;
  ASSERT_TRUE(cache->store(older, Bytes{1}, 1000));
  ASSERT_TRUE(cache->store(newer, Bytes{2}, 1000));
  EXPECT_EQ(found(*cache, older, 10), Bytes{});
  EXPECT_EQ(found(*cache, newer, 10), Bytes{2});
}

TEST(SharedSessionCacheTest, RemoveDropsOnlyTheNamedSession) {
  auto cache = make_cache();
  Bytes kept = id_of(3, 1);
  Bytes other = id_of(3, 1);
  other[31] = 9;
  ASSERT_TRUE(cache->store(kept, Bytes{7}, 1000));
  cache->remove(other);  // same slot, another ID: nothing happens
  EXPECT_EQ(found(*cache, kept, 10), Bytes{7});
  cache->remove(kept);
  EXPECT_EQ(found(*cache, kept, 10), Bytes{});
}

TEST(SharedSessionCacheTest, RefusesWhatDoesNotFit) {
  auto cache = make_cache();
  EXPECT_FALSE(cache->store(Bytes{}, Bytes{1}, 1000));
  EXPECT_FALSE(cache->store(Bytes(33, 1), Bytes{1}, 1000));
  EXPECT_FALSE(cache->store(id_of(4), Bytes{}, 1000));
  EXPECT_FALSE(cache->store(id_of(4), Bytes(SharedSessionCache::kMaxSessionBytes + 1, 1), 1000));
  EXPECT_TRUE(cache->store(id_of(4), Bytes(SharedSessionCache::kMaxSessionBytes, 1), 1000));
}

// Workers are forked from the master: a session one stores, another finds.
TEST(SharedSessionCacheTest, AParentFindsWhatAChildStored) {
  auto cache = make_cache();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::_exit(cache->store(id_of(5), Bytes{5, 5}, 1000) ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(found(*cache, id_of(5), 10), (Bytes{5, 5}));
}

}  // namespace
}  // namespace relay7
