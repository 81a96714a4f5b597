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
      {std::nullopt, "https://", ""},
      {TemplateVariable::host, "", ""},
      {std::nullopt, ":", ""},
      {TemplateVariable::server_port, "", ""},
      {TemplateVariable::request_uri, "", ""},
      {std::nullopt, "?from=", ""},
      {TemplateVariable::scheme, "", ""},
  };
  EXPECT_EQ(t.parts, expected);
}

TEST(TextTemplateTest, BracesEndANameThatLettersWouldContinue) {
  const TextTemplate t = parse("${host}name");
  const std::vector<TemplatePart> expected{{TemplateVariable::host, "", ""},
                                           {std::nullopt, "name", ""}};
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

TEST(TextTemplateTest, EachScopeKnowsItsOwnVariables) {
  std::string error;
  EXPECT_FALSE(parse_text_template("$remote_addr", error).has_value()) << "not in a redirect";
  EXPECT_TRUE(parse_text_template("$remote_addr $request_id", error, TemplateScope::header_rule));
  EXPECT_FALSE(parse_text_template("$status", error, TemplateScope::header_rule));
  EXPECT_NE(error.find("$proxy_add_forwarded"), std::string::npos) << error;
  EXPECT_TRUE(parse_text_template("$status $request_time $upstream_addr $time_iso8601", error,
                                  TemplateScope::access_log));
  EXPECT_FALSE(parse_text_template("$proxy_add_x_forwarded_for", error, TemplateScope::access_log));
}

TEST(TextTemplateTest, HttpVariablesNameAFieldInLowerCaseWithDashes) {
  std::string error;
  const auto parsed = parse_text_template("u=$http_X_User_Id", error, TemplateScope::header_rule);
  ASSERT_TRUE(parsed) << error;
  ASSERT_EQ(parsed->parts.size(), 2u);
  EXPECT_EQ(parsed->parts[1].variable, TemplateVariable::http_field);
  EXPECT_EQ(parsed->parts[1].field, "x-user-id");
  EXPECT_FALSE(parse_text_template("$http_", error, TemplateScope::header_rule));
}

}  // namespace
}  // namespace relay7
