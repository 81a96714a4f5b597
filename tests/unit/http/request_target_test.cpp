#include "relay7/http/request_target.h"

#include <gtest/gtest.h>

namespace relay7 {
namespace {

std::string normalized(std::string_view raw) {
  std::string out;
  EXPECT_EQ(normalize_path(raw, out), TargetError::none) << raw;
  return out;
}

TargetError error_of(std::string_view raw) {
  std::string out;
  return normalize_path(raw, out);
}

TEST(NormalizePath, LeavesCanonicalPathsAlone) {
  EXPECT_EQ(normalized("/"), "/");
  EXPECT_EQ(normalized("/summary/report"), "/summary/report");
  EXPECT_EQ(normalized("/a/b/"), "/a/b/");
}

TEST(NormalizePath, DecodesUnreservedEscapesOnly) {
  EXPECT_EQ(normalized("/%61dmin"), "/admin");
  EXPECT_EQ(normalized("/a%7Eb%2db"), "/a~b-b");
  EXPECT_EQ(normalized("/a%2fb"), "/a%2Fb");  // an encoded slash is never a separator
  EXPECT_EQ(normalized("/a%20b"), "/a%20b");
  EXPECT_EQ(normalized("/a%3fb"), "/a%3Fb");
}

TEST(NormalizePath, EncodesBytesThatMayNotAppearRaw) {
  EXPECT_EQ(normalized("/a\"b"), "/a%22b");
  EXPECT_EQ(normalized("/a\\b"), "/a%5Cb");
  EXPECT_EQ(normalized("/caf\xC3\xA9"), "/caf%C3%A9");
}

TEST(NormalizePath, MergesSlashesAndRemovesDotSegments) {
  EXPECT_EQ(normalized("//admin"), "/admin");
  EXPECT_EQ(normalized("/a//b///c"), "/a/b/c");
  EXPECT_EQ(normalized("/./admin"), "/admin");
  EXPECT_EQ(normalized("/x/../admin"), "/admin");
  EXPECT_EQ(normalized("/a/b/.."), "/a/");
  EXPECT_EQ(normalized("/a/b/."), "/a/b/");
  EXPECT_EQ(normalized("/a/b/../"), "/a/");
  EXPECT_EQ(normalized("/x/..%2F"), "/x/..%2F") << "only real separators delimit segments";
}

TEST(NormalizePath, EncodedDotsAreDotSegments) {
  EXPECT_EQ(normalized("/x/%2e%2e/admin"), "/admin");
  EXPECT_EQ(normalized("/x/.%2E/admin"), "/admin");
  EXPECT_EQ(normalized("/%2e/admin"), "/admin");
}

TEST(NormalizePath, RejectsClimbingAboveRoot) {
  EXPECT_EQ(error_of("/.."), TargetError::above_root);
  EXPECT_EQ(error_of("/../admin"), TargetError::above_root);
  EXPECT_EQ(error_of("/a/../../admin"), TargetError::above_root);
  EXPECT_EQ(error_of("/%2e%2e/admin"), TargetError::above_root);
}

TEST(NormalizePath, RejectsBadEscapes) {
  EXPECT_EQ(error_of("/a%"), TargetError::bad_escape);
  EXPECT_EQ(error_of("/a%4"), TargetError::bad_escape);
  EXPECT_EQ(error_of("/a%zz"), TargetError::bad_escape);
  EXPECT_EQ(error_of("relative"), TargetError::malformed);
}

TEST(ParseRequestTarget, SplitsPathAndQuery) {
  RequestTarget target;
  ASSERT_EQ(parse_request_target("/summary/../report?day=1&x=%2F", target), TargetError::none);
  EXPECT_EQ(target.path, "/report");
  EXPECT_TRUE(target.has_query);
  EXPECT_EQ(target.query, "day=1&x=%2F");
  EXPECT_TRUE(target.authority.empty());
}

TEST(ParseRequestTarget, EmptyQueryIsKept) {
  RequestTarget target;
  ASSERT_EQ(parse_request_target("/a?", target), TargetError::none);
  EXPECT_TRUE(target.has_query);
  EXPECT_EQ(target.query, "");
}

TEST(ParseRequestTarget, AbsoluteFormYieldsAuthorityAndPath) {
  RequestTarget target;
  ASSERT_EQ(parse_request_target("http://Example.com:8080/admin/../x?q", target),
            TargetError::none);
  EXPECT_EQ(target.authority, "Example.com:8080");
  EXPECT_EQ(target.path, "/x");
  EXPECT_EQ(target.query, "q");
  ASSERT_EQ(parse_request_target("HTTP://host", target), TargetError::none);
  EXPECT_EQ(target.path, "/");
  EXPECT_EQ(target.authority, "host");
}

TEST(ParseRequestTarget, RejectsOtherForms) {
  RequestTarget target;
  EXPECT_NE(parse_request_target("*", target), TargetError::none);
  EXPECT_NE(parse_request_target("example.com:443", target), TargetError::none);
  EXPECT_NE(parse_request_target("/a#frag", target), TargetError::none);
  EXPECT_NE(parse_request_target("http://user@host/", target), TargetError::none);
  EXPECT_NE(parse_request_target("http:///path", target), TargetError::none);
}

}  // namespace
TEST(EncodedSlashes, KeepLeavesThemEncodedAndOutsideSegments) {
  std::string out;
  ASSERT_EQ(normalize_path("/files/a%2f..%2fsecret", out, EncodedSlashes::keep), TargetError::none);
  EXPECT_EQ(out, "/files/a%2F..%2Fsecret");
  EXPECT_TRUE(has_encoded_slash(out));
  EXPECT_FALSE(has_encoded_slash("/files/a/b"));
}

TEST(EncodedSlashes, RejectRefusesEncodedAndRawBackslashes) {
  std::string out;
  for (std::string_view raw : {"/a%2Fb", "/a%2fb", "/a%5Cb", "/a%5cb", "/a\\b"}) {
    EXPECT_EQ(normalize_path(raw, out, EncodedSlashes::reject), TargetError::encoded_slash) << raw;
  }
  EXPECT_EQ(normalize_path("/a/b%20c", out, EncodedSlashes::reject), TargetError::none);
}

TEST(EncodedSlashes, DecodeMakesThemSeparatorsBeforeDotSegmentsAreResolved) {
  std::string out;
  ASSERT_EQ(normalize_path("/files/a%2F..%2Fadmin", out, EncodedSlashes::decode),
            TargetError::none);
  EXPECT_EQ(out, "/files/admin");
  ASSERT_EQ(normalize_path("/a%5C%5Cb\\c", out, EncodedSlashes::decode), TargetError::none);
  EXPECT_EQ(out, "/a/b/c");
  EXPECT_EQ(normalize_path("/%2F..%2F..%2Fetc", out, EncodedSlashes::decode),
            TargetError::above_root);
}

TEST(EncodedSlashes, AppliesToAbsoluteFormTargetsToo) {
  RequestTarget target;
  EXPECT_EQ(parse_request_target("http://h/a%2Fb?x=%2F", target, EncodedSlashes::reject),
            TargetError::encoded_slash);
  ASSERT_EQ(parse_request_target("http://h/a%2Fb?x=%2F", target, EncodedSlashes::decode),
            TargetError::none);
  EXPECT_EQ(target.path, "/a/b");
  EXPECT_EQ(target.query, "x=%2F") << "the query is never rewritten";
}

TEST(HasDotSegment, FindsOnlyWholeDotSegments) {
  EXPECT_TRUE(has_dot_segment("/.."));
  EXPECT_TRUE(has_dot_segment("/a/./b"));
  EXPECT_TRUE(has_dot_segment("/a/.."));
  EXPECT_FALSE(has_dot_segment("/a../b"));
  EXPECT_FALSE(has_dot_segment("/.../b"));
  EXPECT_FALSE(has_dot_segment("/"));
}

}  // namespace relay7
