#include "relay7/pipeline/template_expansion.h"

#include <gtest/gtest.h>

namespace relay7 {
namespace {

std::string expand(std::string_view text, const TemplateValues& values) {
  std::string error;
  const auto parsed = parse_text_template(text, error);
  EXPECT_TRUE(parsed.has_value()) << error;
  std::string out;
  expand_template(parsed.value_or(TextTemplate{}), values, out);
  return out;
}

TEST(TemplateExpansionTest, FillsEveryVariable) {
  const TemplateValues values{"http", "shop.example", "/cart?id=7", "8080"};
  EXPECT_EQ(expand("https://$host$request_uri", values), "https://shop.example/cart?id=7");
  EXPECT_EQ(expand("$scheme://${host}:$server_port/x$$", values), "http://shop.example:8080/x$");
  EXPECT_EQ(expand("/fixed", values), "/fixed");
}

TEST(TemplateExpansionTest, RequestUriKeepsOriginFormAsReceived) {
  EXPECT_EQ(request_uri_of("/a/../b%2F?q=1&r"), "/a/../b%2F?q=1&r");
  EXPECT_EQ(request_uri_of("*"), "*");
}

TEST(TemplateExpansionTest, RequestUriDropsTheSchemeAndAuthorityOfAbsoluteForm) {
  EXPECT_EQ(request_uri_of("http://shop.example/cart?id=7"), "/cart?id=7");
  EXPECT_EQ(request_uri_of("http://shop.example:80?id=7"), "?id=7");
  EXPECT_EQ(request_uri_of("http://shop.example"), "/");
}

}  // namespace
}  // namespace relay7
