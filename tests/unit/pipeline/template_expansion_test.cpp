#include "relay7/pipeline/template_expansion.h"

#include <gtest/gtest.h>

namespace relay7 {
namespace {

std::string expand(std::string_view text, const TemplateValues& values,
                   TemplateScope scope = TemplateScope::redirect) {
  std::string error;
  const auto parsed = parse_text_template(text, error, scope);
  EXPECT_TRUE(parsed.has_value()) << error;
  std::string out;
  expand_template(parsed.value_or(TextTemplate{}), values, out);
  return out;
}

TEST(TemplateExpansionTest, FillsEveryVariable) {
  TemplateValues values;
  values.scheme = "http";
  values.host = "shop.example";
  values.request_uri = "/cart?id=7";
  values.server_port = "8080";
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

std::string expand_rule(std::string_view text, const TemplateValues& values) {
  return expand(text, values, TemplateScope::header_rule);
}

TEST(TemplateExpansionTest, HeaderRuleVariablesComeFromTheRequest) {
  HeaderList fields;
  fields.add("X-User", "ann");
  fields.add("x-user", "bob");
  fields.add("Cookie", "a=1");
  fields.add("Cookie", "b=2");
  fields.add("X-Forwarded-For", "");
  TemplateValues values{"https", "h", "/", "443", "192.0.2.1", "10.0.0.1", "id7", "h:443", &fields};
  EXPECT_EQ(expand_rule("$http_x_user|$http_cookie|$http_none|", values), "ann, bob|a=1; b=2||");
  EXPECT_EQ(expand_rule("$remote_addr $request_id $http_host", values), "192.0.2.1 id7 h:443");
  EXPECT_EQ(expand_rule("$proxy_add_x_forwarded_for", values), "10.0.0.1") << "empty ones skipped";
  EXPECT_EQ(expand_rule("$proxy_add_forwarded", values), "for=10.0.0.1;host=\"h:443\";proto=https");
}

}  // namespace
}  // namespace relay7
