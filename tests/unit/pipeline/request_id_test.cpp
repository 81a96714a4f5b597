#include "relay7/pipeline/request_id.h"

#include <gtest/gtest.h>

#include <set>

namespace relay7 {
namespace {

TEST(RequestIdTest, IdsAre32HexDigitsAndNeverRepeat) {
  RequestIdSource source;
  std::set<std::string> seen;
  std::string id;
  for (int i = 0; i < 1000; ++i) {
    source.next(id);
    ASSERT_EQ(id.size(), 32u);
    ASSERT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

// Two workers (or one before and after a restart) draw their own random halves.
TEST(RequestIdTest, TwoSourcesDoNotShareIds) {
  RequestIdSource first;
  RequestIdSource second;
  std::string a;
  std::string b;
  first.next(a);
  second.next(b);
  EXPECT_NE(a.substr(0, 16), b.substr(0, 16));
  EXPECT_NE(a, b);
}

TEST(RequestIdTest, AClientsIdIsKeptOnlyWhenItIsASaneToken) {
  EXPECT_TRUE(acceptable_request_id("4bf92f3577b34da6a3ce929d0e0e4736"));
  EXPECT_TRUE(acceptable_request_id("req-1:abc/def"));
  EXPECT_FALSE(acceptable_request_id(""));
  EXPECT_FALSE(acceptable_request_id("has space"));
  EXPECT_FALSE(acceptable_request_id("line\nbreak"));
  EXPECT_FALSE(acceptable_request_id("\xc3\xa9"));
  EXPECT_FALSE(acceptable_request_id(std::string(201, 'a')));
  EXPECT_TRUE(acceptable_request_id(std::string(200, 'a')));
}

}  // namespace
}  // namespace relay7
