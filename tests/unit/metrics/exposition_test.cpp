#include "relay7/metrics/exposition.h"

#include <gtest/gtest.h>

namespace relay7 {
namespace {

TEST(ExpositionTest, FamilyHasHelpAndType) {
  std::string out;
  ExpositionWriter writer(out);
  writer.family("relay7_x_total", "counter", "One \\ two\nthree \"quoted\"");
  EXPECT_EQ(out,
            "# HELP relay7_x_total One \\\\ two\\nthree \"quoted\"\n"
            "# TYPE relay7_x_total counter\n");
}

TEST(ExpositionTest, LabelValuesAreEscaped) {
  std::string out;
  ExpositionWriter writer(out);
  writer.sample("relay7_x_total", {{"a", "back\\slash"}, {"b", "quote\"d"}, {"c", "new\nline"}},
                uint64_t{7});
  EXPECT_EQ(out, "relay7_x_total{a=\"back\\\\slash\",b=\"quote\\\"d\",c=\"new\\nline\"} 7\n");
}

TEST(ExpositionTest, SamplesWithoutLabelsAndSignedAndFractionalValues) {
  std::string out;
  ExpositionWriter writer(out);
  writer.sample("relay7_generation", {}, uint64_t{3});
  writer.sample("relay7_connections", {{"state", "idle"}}, int64_t{-1});
  writer.sample("relay7_seconds_sum", {}, 0.25);
  EXPECT_EQ(out,
            "relay7_generation 3\n"
            "relay7_connections{state=\"idle\"} -1\n"
            "relay7_seconds_sum 0.25\n");
}

}  // namespace
}  // namespace relay7
