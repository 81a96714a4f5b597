#include "relay7/config/text_template.h"

#include <gtest/gtest.h>

namespace relay7 {
namespace {

TextTemplate parse(std::string_view text) {
  std::string error;
  auto result = parse_text_template(text, error);
  EXPECT_TRUE(result.has_value()) << error;
  return result.value_or(TextTemplate{});
}

std::string error_of(std::string_view text) {
  std::string error;
  EXPECT_FALSE(parse_text_template(text, error).has_value()) << text;
  return error;
}

TEST(TextTemplateTest, TextWithoutVariablesIsOneLiteral) {
  const TextTemplate t = parse("https://example.com/new");
  EXPECT_FALSE(t.has_variables());
  ASSERT_EQ(t.parts.size(), 1u);
  EXPECT_EQ(t.parts[0].literal, "https://example.com/new");
  EXPECT_EQ(t.text, "https://example.com/new");
}

TEST(TextTemplateTest, SplitsVariablesFromLiterals) {
  const TextTemplate t = parse("https://$host:${server_port}$request_uri?from=$scheme");
  EXPECT_TRUE(t.has_variables());
  const std::vector<TemplatePart> expected{
      {std::nullopt, "https://"},
      {TemplateVariable::host, ""},
      {std::nullopt, ":"},
      {TemplateVariable::server_port, ""},
      {TemplateVariable::request_uri, ""},
      {std::nullopt, "?from="},
      {TemplateVariable::scheme, ""},
  };
  EXPECT_EQ(t.parts, expected);
}

TEST(TextTemplateTest, BracesEndANameThatLettersWouldContinue) {
  const TextTemplate t = parse("${host}name");
  const std::vector<TemplatePart> expected{{TemplateVariable::host, ""}, {std::nullopt, "name"}};
  EXPECT_EQ(t.parts, expected);
}

TEST(TextTemplateTest, DoubleDollarIsADollarSign) {
  const TextTemplate t = parse("/price$$5/$$host");
  EXPECT_FALSE(t.has_variables());
  ASSERT_EQ(t.parts.size(), 1u);
  EXPECT_EQ(t.parts[0].literal, "/price$5/$host");
}

TEST(TextTemplateTest, UnknownVariableListsTheKnownOnes) {
  EXPECT_EQ(error_of("https://$hostname/"),
            "unknown variable \"$hostname\"; known variables: $scheme, $host, $request_uri, "
            "$server_port (\"$$\" is a dollar sign)");
  EXPECT_EQ(error_of("${uri}"),
            "unknown variable \"$uri\"; known variables: $scheme, $host, $request_uri, "
            "$server_port (\"$$\" is a dollar sign)");
}

TEST(TextTemplateTest, DollarWithoutANameIsAnError) {
  for (const char* text : {"/a$", "/a$/b", "${host", "${}", "$-x"}) {
    EXPECT_NE(error_of(text).find("starts no variable name; write \"$$\" for a dollar sign"),
              std::string::npos)
        << text;
  }
  EXPECT_EQ(error_of("/a$/b"),
            "\"$\" at offset 2 starts no variable name; write \"$$\" for a dollar sign "
            "(variables: $scheme, $host, $request_uri, $server_port)");
}

}  // namespace
}  // namespace relay7
