#include "nginx_import/values.h"

#include <gtest/gtest.h>

namespace relay7::nginx_import {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(NginxValuesTest, ReadsNginxTimes) {
  EXPECT_EQ(parse_nginx_time("30"), seconds(30));
  EXPECT_EQ(parse_nginx_time("30s"), seconds(30));
  EXPECT_EQ(parse_nginx_time("500ms"), milliseconds(500));
  EXPECT_EQ(parse_nginx_time("1m30s"), seconds(90));
  EXPECT_EQ(parse_nginx_time("1h 30m"), minutes(90));
  EXPECT_EQ(parse_nginx_time("2d"), hours(48));
  EXPECT_EQ(parse_nginx_time("1w"), hours(24 * 7));
  EXPECT_EQ(parse_nginx_time("1M"), hours(24 * 30));
  EXPECT_EQ(parse_nginx_time("1y"), hours(24 * 365));
  EXPECT_EQ(parse_nginx_time("0"), seconds(0));
}

TEST(NginxValuesTest, RefusesMalformedTimes) {
  for (const char* text : {"", "s", "10x", "1s1m", "1s1s", "-5s", "1.5s", "10 ", " 10",
                           "99999999999999999999s", "9999999999999999y"}) {
    EXPECT_FALSE(parse_nginx_time(text)) << text;
  }
}

TEST(NginxValuesTest, ReadsSizesAndCounts) {
  EXPECT_EQ(parse_nginx_size("1m"), 1024u * 1024);
  EXPECT_EQ(parse_nginx_size("10M"), 10u * 1024 * 1024);
  EXPECT_EQ(parse_nginx_size("0"), 0u);
  EXPECT_FALSE(parse_nginx_size("1mb"));
  EXPECT_EQ(parse_count("32"), 32u);
  EXPECT_FALSE(parse_count("+3"));
  EXPECT_FALSE(parse_count("3k"));
}

TEST(NginxValuesTest, WritesControlCharactersOfMessagesAsEscapes) {
  EXPECT_EQ(printable("a\x1b[31mb\n"), "a\\x1b[31mb\\x0a");
  EXPECT_EQ(quote_text("x\ty"), "\"x\\x09y\"");
  EXPECT_EQ(directive_text("return", {"200", "", "a b"}), "return 200 \"\" a b");
  EXPECT_EQ(directive_text("x", {std::string(100, 'y')}), "x " + std::string(58, 'y') + "...");
}

}  // namespace
}  // namespace relay7::nginx_import
