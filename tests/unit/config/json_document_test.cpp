#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace relay7 {
namespace {

using ::testing::ElementsAre;
using testing::errors_of;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(JsonDocumentTest, SyntaxErrorHasLineColumnAndShortDescription) {
  EXPECT_THAT(errors_of(std::string("{\"workers\": 1,}")),
              ElementsAre("test.json:1:15: syntax error: unexpected '}'; expected string literal"));
}

TEST(JsonDocumentTest, LineAndColumnCountFromOne) {
  const std::string text = "{\n  \"workers\": 1\n  \"pid_file\": \"x\"\n}";
  EXPECT_THAT(errors_of(text), ElementsAre("test.json:3:12: syntax error: unexpected string "
                                           "literal; expected '}'"));
}

TEST(JsonDocumentTest, MissingValueAtStartOfLine) {
  EXPECT_THAT(errors_of(std::string("{\n\"workers\":\n}")),
              ElementsAre("test.json:3:1: syntax error: unexpected '}'; expected '[', '{', or a "
                          "literal"));
}

TEST(JsonDocumentTest, UnexpectedEndOfInputPointsAtTheEnd) {
  EXPECT_THAT(errors_of(std::string("{\"servers\": [\n")),
              ElementsAre("test.json:2:1: syntax error: unexpected end of input; expected '[', "
                          "'{', or a literal"));
}

TEST(JsonDocumentTest, DescriptionDropsNlohmannPrefix) {
  const auto errors = errors_of(std::string("{\"a\": tru}"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], Not(HasSubstr("json.exception")));
  EXPECT_THAT(errors[0], Not(HasSubstr("parse error at")));
  EXPECT_THAT(errors[0], HasSubstr("test.json:1:10: syntax error: invalid literal"));
}

TEST(JsonDocumentTest, CommentsAreNotJson) {
  const auto errors = errors_of(std::string("{\n  // workers\n  \"workers\": 1\n}"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("test.json:2:3: syntax error: "));
}

TEST(JsonDocumentTest, NumberOverflowIsASyntaxError) {
  EXPECT_THAT(errors_of(std::string("{\"workers\": 1e400}")),
              ElementsAre("test.json:1:17: syntax error: number overflow parsing '1e400'"));
}

TEST(JsonDocumentTest, RawBytesInDescriptionsAreEscaped) {
  EXPECT_THAT(errors_of(std::string("{\"a\": \"\xff\"}")),
              ElementsAre("test.json:1:8: syntax error: invalid string: ill-formed UTF-8 byte; "
                          "last read: '\"\\xff'"));
}

TEST(JsonDocumentTest, DuplicateKeyIsReportedWithItsObjectPath) {
  const std::string text = R"({"servers": [{"listen": ["80"], "locations": [
      {"path": "/", "return": 204},
      {"path": "/a", "path": "/b", "return": 204}]}]})";
  EXPECT_THAT(errors_of(text), ElementsAre("test.json: servers[0].locations[1]: duplicate key "
                                           "\"path\""));
}

TEST(JsonDocumentTest, DuplicateKeysAtEveryLevelAreAllReported) {
  const std::string text = R"({
    "workers": 1,
    "workers": 2,
    "upstreams": {"b": {"servers": ["127.0.0.1:1"], "servers": ["127.0.0.1:2"]}},
    "servers": [{"listen": ["80"], "locations": [{"path": "/", "return": 204}]}]
  })";
  EXPECT_THAT(errors_of(text), ElementsAre("test.json: duplicate key \"workers\"",
                                           "test.json: upstreams.b: duplicate key \"servers\""));
}

TEST(JsonDocumentTest, DuplicateKeysInsideNestedArraysUseIndices) {
  const std::string text = R"({"servers": [
      {"listen": ["80"], "locations": [{"path": "/", "return": 204}]},
      {"listen": ["81"], "locations": [{"path": "/", "return": {"status": 200, "status": 201}}]}
  ]})";
  EXPECT_THAT(errors_of(text), ElementsAre("test.json: servers[1].locations[0].return: duplicate "
                                           "key \"status\""));
}

TEST(JsonDocumentTest, SameKeyInSiblingObjectsIsFine) {
  const std::string text = R"({"servers": [
      {"listen": ["80"], "locations": [{"path": "/", "return": 204}, {"path": "/a", "return": 204}]}
  ]})";
  EXPECT_TRUE(testing::load(text).ok());
}

TEST(JsonDocumentTest, DuplicateKeyDoesNotHideOtherErrors) {
  const std::string text = R"({"workers": 1, "workers": 0,
    "servers": [{"listen": ["80"], "locations": [{"path": "/", "return": 204}]}]})";
  EXPECT_THAT(errors_of(text), ElementsAre("test.json: duplicate key \"workers\"",
                                           "test.json: workers: 0 is out of range (1..1024)"));
}

}  // namespace
}  // namespace relay7
