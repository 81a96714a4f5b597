#include "config/suggest.h"

#include <gtest/gtest.h>

namespace relay7::config {
namespace {

const std::vector<std::string_view> kLocationKeys{"path", "match", "proxy_pass", "return"};

TEST(SuggestTest, FindsTyposWithinTwoEdits) {
  EXPECT_EQ(closest_match("retirn", kLocationKeys), "return");
  EXPECT_EQ(closest_match("pth", kLocationKeys), "path");
  EXPECT_EQ(closest_match("proxypas", kLocationKeys), "proxy_pass");
}

TEST(SuggestTest, IgnoresPunctuationAndCase) {
  EXPECT_EQ(closest_match("listen:", {"listen", "locations"}), "listen");
  EXPECT_EQ(closest_match("Proxy-Pass", kLocationKeys), "proxy_pass");
  EXPECT_EQ(closest_match("server-names", {"listen", "server_names"}), "server_names");
}

TEST(SuggestTest, PrefersTheClosestCandidate) {
  EXPECT_EQ(closest_match("backend1", {"backend12", "backend1x", "backend2"}), "backend12");
  EXPECT_EQ(closest_match("summaryinstance", {"allbackend", "summaryinstances"}),
            "summaryinstances");
}

TEST(SuggestTest, GivesUpWhenNothingIsClose) {
  EXPECT_FALSE(closest_match("location", kLocationKeys).has_value());
  EXPECT_FALSE(closest_match("xyz", kLocationKeys).has_value());
  EXPECT_FALSE(closest_match("b", {"a"}).has_value());
  EXPECT_FALSE(closest_match("anything", {}).has_value());
}

TEST(SuggestTest, FormatsTheHint) {
  EXPECT_EQ(did_you_mean("retirn", kLocationKeys), " (did you mean \"return\"?)");
  EXPECT_EQ(did_you_mean("zzzzzz", kLocationKeys), "");
}

}  // namespace
}  // namespace relay7::config
