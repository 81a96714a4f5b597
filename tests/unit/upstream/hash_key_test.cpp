#include "relay7/upstream/hash_key.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "unit/http/header_list_util.h"

namespace relay7 {
namespace {

using testing::headers_of;

HashKeyConfig key(HashKeySource source, std::string name = {}) {
  HashKeyConfig config;
  config.source = source;
  config.name = std::move(name);
  return config;
}

const std::string kAddress("\x0a\x00\x00\x01", 4);

TEST(HashKey, RemoteAddrIsTheRawAddress) {
  const HeaderList headers = headers_of({{"x-user", "u"}});
  EXPECT_EQ(hash_key_of(key(HashKeySource::remote_addr), {kAddress, "/p", headers}), kAddress);
}

TEST(HashKey, UriIsThePath) {
  const HeaderList headers;
  EXPECT_EQ(hash_key_of(key(HashKeySource::uri), {kAddress, "/a/b", headers}), "/a/b");
}

TEST(HashKey, HeaderIsTheFirstValueWhateverTheCase) {
  const HeaderList headers =
      headers_of({{"Host", "h"}, {"X-User", "alice"}, {"x-user", "bob"}, {"cookie", "x-user=c"}});
  EXPECT_EQ(hash_key_of(key(HashKeySource::header, "x-user"), {kAddress, "/", headers}), "alice");
}

TEST(HashKey, MissingHeaderIsEmpty) {
  const HeaderList headers = headers_of({{"x-other", "alice"}});
  EXPECT_EQ(hash_key_of(key(HashKeySource::header, "x-user"), {kAddress, "/", headers}), "");
}

TEST(HashKey, CookieIsItsValue) {
  const HeaderList headers = headers_of({{"x-user", "alice"}, {"Cookie", "a=1; user=\"bob\""}});
  EXPECT_EQ(hash_key_of(key(HashKeySource::cookie, "user"), {kAddress, "/", headers}), "bob");
}

TEST(HashKey, MissingCookieIsEmpty) {
  const HeaderList headers = headers_of({{"x-user", "alice"}, {"Cookie", "a=1; User=bob"}});
  EXPECT_EQ(hash_key_of(key(HashKeySource::cookie, "user"), {kAddress, "/", headers}), "");
}

}  // namespace
}  // namespace relay7
