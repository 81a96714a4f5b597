#include "relay7/config/units.h"

#include <gtest/gtest.h>

namespace relay7 {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(ParseDurationTest, AcceptsEveryUnit) {
  EXPECT_EQ(parse_duration("250ms"), milliseconds(250));
  EXPECT_EQ(parse_duration("10s"), seconds(10));
  EXPECT_EQ(parse_duration("2m"), minutes(2));
  EXPECT_EQ(parse_duration("1h"), hours(1));
  EXPECT_EQ(parse_duration("0s"), milliseconds(0));
  EXPECT_EQ(parse_duration("007s"), seconds(7));
}

TEST(ParseDurationTest, RejectsMalformedText) {
  for (const char* text : {"", "10", "s", "10x", "10 s", " 10s", "10s ", "-1s", "+1s", "1.5s",
                           "10S", "10sec", "1h30m", "ms"}) {
    EXPECT_FALSE(parse_duration(text).has_value()) << text;
  }
}

TEST(ParseDurationTest, RejectsOverflow) {
  EXPECT_FALSE(parse_duration("99999999999999999999ms").has_value());
  EXPECT_FALSE(parse_duration("9999999999999999h").has_value());
}

TEST(ParseSizeTest, AcceptsUnitsInEitherCase) {
  EXPECT_EQ(parse_size("512"), 512u);
  EXPECT_EQ(parse_size("0"), 0u);
  EXPECT_EQ(parse_size("8k"), 8u * 1024);
  EXPECT_EQ(parse_size("8K"), 8u * 1024);
  EXPECT_EQ(parse_size("1m"), 1024u * 1024);
  EXPECT_EQ(parse_size("1M"), 1024u * 1024);
  EXPECT_EQ(parse_size("2g"), 2ull * 1024 * 1024 * 1024);
  EXPECT_EQ(parse_size("2G"), 2ull * 1024 * 1024 * 1024);
}

TEST(ParseSizeTest, RejectsMalformedText) {
  for (const char* text : {"", "k", "8kb", "8 k", "-8k", "1.5m", "8t", " 8", "8k "}) {
    EXPECT_FALSE(parse_size(text).has_value()) << text;
  }
}

TEST(ParseSizeTest, RejectsOverflow) {
  EXPECT_EQ(parse_size("18446744073709551615"), 18446744073709551615ull);
  EXPECT_FALSE(parse_size("18446744073709551616").has_value());
  EXPECT_FALSE(parse_size("17179869184g").has_value());
}

}  // namespace
}  // namespace relay7
