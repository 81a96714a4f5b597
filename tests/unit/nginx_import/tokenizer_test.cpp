#include "relay7/nginx_import/tokenizer.h"

#include <gtest/gtest.h>

namespace relay7::nginx_import {
namespace {

// The tokens as text: words as they are, punctuation as ';', '{' and '}'.
std::vector<std::string> texts(const TokenizeResult& result) {
  std::vector<std::string> out;
  for (const Token& token : result.tokens) {
    switch (token.kind) {
      case TokenKind::word:
        out.push_back(token.text);
        break;
      case TokenKind::semicolon:
        out.push_back(";");
        break;
      case TokenKind::block_start:
        out.push_back("{");
        break;
      case TokenKind::block_end:
        out.push_back("}");
        break;
    }
  }
  return out;
}

std::vector<std::string> words_of(std::string_view text) {
  const TokenizeResult result = tokenize(text);
  EXPECT_FALSE(result.error) << result.error->message;
  return texts(result);
}

TEST(NginxTokenizerTest, SplitsWordsAndPunctuation) {
  EXPECT_EQ(words_of("http{server{listen 80;}}"),
            (std::vector<std::string>{"http", "{", "server", "{", "listen", "80", ";", "}", "}"}));
  EXPECT_EQ(words_of("  a\tb\r\nc ;"), (std::vector<std::string>{"a", "b", "c", ";"}));
}

TEST(NginxTokenizerTest, CommentsStartOnlyWhereAWordCould) {
  EXPECT_EQ(words_of("a b; # listen 80;\nc;"), (std::vector<std::string>{"a", "b", ";", "c", ";"}));
  EXPECT_EQ(words_of("a b#c;"), (std::vector<std::string>{"a", "b#c", ";"}));
  EXPECT_EQ(words_of("# only a comment"), std::vector<std::string>{});
}

TEST(NginxTokenizerTest, QuotesKeepWhitespaceAndPunctuation) {
  EXPECT_EQ(words_of("return 200 \"a; b { } # c\";"),
            (std::vector<std::string>{"return", "200", "a; b { } # c", ";"}));
  EXPECT_EQ(words_of("a 'x \"y\"' \"\";"), (std::vector<std::string>{"a", "x \"y\"", "", ";"}));
}

TEST(NginxTokenizerTest, ResolvesEscapesAsNginxDoes) {
  EXPECT_EQ(words_of(R"(a "q\"q" 'q\'q' b\\c "t\tn\nr\r";)"),
            (std::vector<std::string>{"a", "q\"q", "q'q", "b\\c", "t\tn\nr\r", ";"}));
  // Other escapes keep their backslash: regular expressions rely on it.
  EXPECT_EQ(words_of(R"(location ~ \.php$ {})"),
            (std::vector<std::string>{"location", "~", "\\.php$", "{", "}"}));
  // An escaped space or ';' does not end a word.
  EXPECT_EQ(words_of(R"(a b\ c\;d;)"), (std::vector<std::string>{"a", "b\\ c\\;d", ";"}));
}

TEST(NginxTokenizerTest, KeepsBracedVariablesInOneWord) {
  EXPECT_EQ(words_of("set $a ${b}c;"), (std::vector<std::string>{"set", "$a", "${b}c", ";"}));
  // Without "$" a brace ends the word and opens a block.
  EXPECT_EQ(words_of("a b{}"), (std::vector<std::string>{"a", "b", "{", "}"}));
}

TEST(NginxTokenizerTest, AClosingBraceInsideAWordIsPartOfIt) {
  EXPECT_EQ(words_of("a b};"), (std::vector<std::string>{"a", "b}", ";"}));
}

TEST(NginxTokenizerTest, AParenthesisMayFollowAQuote) {
  EXPECT_EQ(words_of("if ($a = \"b\") {}"),
            (std::vector<std::string>{"if", "($a", "=", "b", ")", "{", "}"}));
}

TEST(NginxTokenizerTest, NumbersLinesFromOne) {
  const TokenizeResult result = tokenize("a;\n\n  b \"x\ny\";\n# c\nd {\n}\n");
  ASSERT_FALSE(result.error);
  std::vector<int> lines;
  for (const Token& token : result.tokens) {
    lines.push_back(token.line);
  }
  EXPECT_EQ(lines, (std::vector<int>{1, 1, 3, 3, 4, 6, 6, 7}));
}

struct SyntaxCase {
  const char* text;
  int line;
  const char* message;
};

TEST(NginxTokenizerTest, ReportsNginxsSyntaxErrorsWithTheirLine) {
  const SyntaxCase cases[] = {
      {"a;\n;", 2, "unexpected \";\""},
      {"\n\n{", 3, "unexpected \"{\""},
      {"a b\n}", 2, "unexpected \"}\""},
      {"a \"b\"c;", 1, "unexpected \"c\""},
      {"a \"b\"#;", 1, "unexpected \"#\""},
      {"a b", 1, "unexpected end of file, expecting \";\" or \"}\""},
      {"a \"b;\n\n", 3, "unexpected end of file, expecting \";\" or \"}\""},
      {"a b\\", 1, "unexpected end of file, expecting \";\" or \"}\""},
  };
  for (const SyntaxCase& c : cases) {
    const TokenizeResult result = tokenize(c.text);
    ASSERT_TRUE(result.error) << c.text;
    EXPECT_EQ(result.error->line, c.line) << c.text;
    EXPECT_EQ(result.error->message, c.message) << c.text;
  }
}

TEST(NginxTokenizerTest, AcceptsAnyByteInsideWords) {
  const std::string word(
      "b\x01\xff\x00"
      "c",
      5);
  EXPECT_EQ(words_of("a " + word + ";"), (std::vector<std::string>{"a", word, ";"}));
}

}  // namespace
}  // namespace relay7::nginx_import
