#include "relay7/nginx_import/parser.h"

#include <gtest/gtest.h>

namespace relay7::nginx_import {
namespace {

TEST(NginxParserTest, BuildsTheTreeOfDirectivesWithTheirLines) {
  const ParseResult result = parse_config_text(
      "events {}\nhttp {\n  upstream app {\n    server 127.0.0.1:2222 weight=2;\n  }\n}\n",
      "nginx.conf");
  ASSERT_FALSE(result.error) << result.error->message;
  ASSERT_EQ(result.directives.size(), 2u);
  const Directive& events = result.directives[0];
  EXPECT_EQ(events.name, "events");
  EXPECT_TRUE(events.has_block);
  EXPECT_TRUE(events.block.empty());
  const Directive& http = result.directives[1];
  EXPECT_EQ(http.where.line, 2);
  ASSERT_EQ(http.block.size(), 1u);
  const Directive& upstream = http.block[0];
  EXPECT_EQ(upstream.args, std::vector<std::string>{"app"});
  ASSERT_EQ(upstream.block.size(), 1u);
  const Directive& server = upstream.block[0];
  EXPECT_EQ(server.name, "server");
  EXPECT_EQ(server.args, (std::vector<std::string>{"127.0.0.1:2222", "weight=2"}));
  EXPECT_FALSE(server.has_block);
  EXPECT_EQ(server.where.file, "nginx.conf");
  EXPECT_EQ(server.where.line, 4);
}

TEST(NginxParserTest, TakesTheLineOfTheNameForAMultiLineDirective) {
  const ParseResult result = parse_config_text("\nlog_format main\n  'a'\n  'b';\n", "x.conf");
  ASSERT_FALSE(result.error);
  ASSERT_EQ(result.directives.size(), 1u);
  EXPECT_EQ(result.directives[0].where.line, 2);
  EXPECT_EQ(result.directives[0].args, (std::vector<std::string>{"main", "a", "b"}));
}

TEST(NginxParserTest, RefusesUnbalancedBlocks) {
  ParseResult result = parse_config_text("http {\n}\n}\n", "nginx.conf");
  ASSERT_TRUE(result.error);
  EXPECT_EQ(result.error->line, 3);
  EXPECT_EQ(result.error->message, "unexpected \"}\"");
  result = parse_config_text("http {\n server {\n", "nginx.conf");
  ASSERT_TRUE(result.error);
  EXPECT_EQ(result.error->line, 2);
  EXPECT_EQ(result.error->message, "unexpected end of file, expecting \"}\"");
}

TEST(NginxParserTest, ReportsTheTokenizersErrors) {
  const ParseResult result = parse_config_text("http {\n  listen 80\n}\n", "nginx.conf");
  ASSERT_TRUE(result.error);
  EXPECT_EQ(result.error->line, 3);
  EXPECT_EQ(result.error->message, "unexpected \"}\"");
}

std::string nested(size_t levels) {
  std::string text;
  for (size_t i = 0; i < levels; ++i) {
    text += "a {\n";
  }
  return text + std::string(levels, '}');
}

TEST(NginxParserTest, BoundsTheNestingDepth) {
  EXPECT_FALSE(parse_config_text(nested(kMaxBlockDepth), "nginx.conf").error);
  const ParseResult result = parse_config_text(nested(kMaxBlockDepth + 1), "nginx.conf");
  ASSERT_TRUE(result.error);
  EXPECT_EQ(result.error->line, static_cast<int>(kMaxBlockDepth + 1));
  EXPECT_EQ(result.error->message, "blocks are nested more than 64 deep");
}

}  // namespace
}  // namespace relay7::nginx_import
