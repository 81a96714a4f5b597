#include "relay7/routing/header_rules.h"

#include <gtest/gtest.h>

namespace relay7 {
namespace {

HeaderEdit edit(HeaderEditKind kind, std::string name, std::string_view value = {}) {
  std::string error;
  auto parsed = parse_text_template(value, error, TemplateScope::header_rule);
  EXPECT_TRUE(parsed) << error;
  return HeaderEdit{kind, std::move(name), parsed.value_or(TextTemplate{})};
}

std::vector<std::string> names_of(const FieldRules& rules) {
  std::vector<std::string> names;
  for (const FieldOutput& field : rules.fields) {
    names.push_back(field.name + "=" + field.value.text);
  }
  return names;
}

TEST(HeaderRuleSetTest, DefaultsAreTheForwardedHeaders) {
  const HeaderRuleSet rules = merge_header_rules(Config{}, nullptr, nullptr);
  EXPECT_EQ(names_of(rules.request),
            (std::vector<std::string>{"X-Forwarded-For=$proxy_add_x_forwarded_for",
                                      "X-Real-IP=$remote_addr", "X-Forwarded-Proto=$scheme",
                                      "X-Forwarded-Host=$http_host"}));
  EXPECT_TRUE(rules.response.fields.empty());
  EXPECT_TRUE(rules.response.dropped.empty());
  EXPECT_FALSE(rules.uses_request_id);
}

TEST(HeaderRuleSetTest, RequestIdAddsItsHeaderBothWaysWhenAskedTo) {
  Config config;
  config.request_id = RequestIdConfig{"X-Trace", false, true};
  const HeaderRuleSet rules = merge_header_rules(config, nullptr, nullptr);
  EXPECT_EQ(names_of(rules.request).back(), "X-Trace=$request_id");
  EXPECT_EQ(names_of(rules.response), (std::vector<std::string>{"X-Trace=$request_id"}));
  EXPECT_TRUE(rules.uses_request_id);
}

TEST(HeaderRuleSetTest, ALaterLayerReplacesANameAndInheritsTheRest) {
  HeaderRulesConfig server;
  server.request = {edit(HeaderEditKind::add, "X-A", "server"),
                    edit(HeaderEditKind::set, "X-B", "server")};
  server.response = {edit(HeaderEditKind::remove, "Server")};
  HeaderRulesConfig location;
  location.request = {edit(HeaderEditKind::remove, "x-a"),
                      edit(HeaderEditKind::remove, "X-Forwarded-Host")};
  const HeaderRuleSet rules = merge_header_rules(Config{}, &server, &location);
  EXPECT_EQ(names_of(rules.request),
            (std::vector<std::string>{"X-Forwarded-For=$proxy_add_x_forwarded_for",
                                      "X-Real-IP=$remote_addr", "X-Forwarded-Proto=$scheme",
                                      "X-B=server"}));
  EXPECT_TRUE(rules.request.dropped.contains("X-A"));
  EXPECT_TRUE(rules.request.dropped.contains("x-forwarded-host"));
  EXPECT_FALSE(rules.request.dropped.contains("X-C"));
  EXPECT_TRUE(rules.response.dropped.contains("server"));
}

}  // namespace
}  // namespace relay7
