#include "relay7/http2/request_head.h"

#include <gtest/gtest.h>

namespace relay7 {
namespace {

std::string field(const MessageHead& head, std::string_view name) {
  const Header* found = head.headers.find(name);
  return found != nullptr ? found->value : "<none>";
}

TEST(Http2RequestHeadTest, PseudoFieldsBecomeTheRequestLineAndHost) {
  const ParserLimits limits;
  Http2RequestHead request(limits);
  request.add(":method", "GET");
  request.add(":scheme", "https");
  request.add(":authority", "example.com:8443");
  request.add(":path", "/a?b=c");
  request.add("accept", "*/*");
  request.finish();
  ASSERT_EQ(request.error(), Http2HeadError::none);
  const MessageHead& head = request.head();
  EXPECT_EQ(head.method, "GET");
  EXPECT_EQ(head.target, "/a?b=c");
  EXPECT_EQ(head.version_major, 2u);
  EXPECT_EQ(head.version_minor, 0u);
  EXPECT_EQ(field(head, "host"), "example.com:8443");
  EXPECT_EQ(head.headers.find(FieldName::host)->value, "example.com:8443");
  EXPECT_EQ(field(head, "accept"), "*/*");
  EXPECT_EQ(head.headers.size(), 2u);
}

TEST(Http2RequestHeadTest, CookieCrumbsAreJoinedIntoOneField) {
  const ParserLimits limits;
  Http2RequestHead request(limits);
  request.add(":method", "GET");
  request.add(":path", "/");
  request.add("cookie", "a=1");
  request.add("x-other", "y");
  request.add("cookie", "b=2");
  request.add("cookie", "srv=3");
  request.finish();
  EXPECT_EQ(request.head().headers.count(FieldName::cookie), 1u);
  EXPECT_EQ(request.head().headers.find(FieldName::cookie)->value, "a=1; b=2; srv=3");
}

TEST(Http2RequestHeadTest, HostWithoutAuthorityIsKeptAndAMismatchIsMalformed) {
  const ParserLimits limits;
  Http2RequestHead without(limits);
  without.add(":method", "GET");
  without.add(":path", "/");
  without.add("host", "a.example");
  without.finish();
  EXPECT_EQ(without.error(), Http2HeadError::none);
  EXPECT_EQ(field(without.head(), "host"), "a.example");

  Http2RequestHead agreeing(limits);
  agreeing.add(":authority", "A.example");
  agreeing.add("host", "a.example");
  agreeing.finish();
  EXPECT_EQ(agreeing.error(), Http2HeadError::none);

  Http2RequestHead differing(limits);
  differing.add(":authority", "a.example");
  differing.add("host", "admin.internal");
  differing.finish();
  EXPECT_EQ(differing.error(), Http2HeadError::malformed);
}

TEST(Http2RequestHeadTest, ContentLengthIsReadForTheBodyKind) {
  const ParserLimits limits;
  Http2RequestHead request(limits);
  request.add(":method", "POST");
  request.add(":path", "/upload");
  EXPECT_FALSE(request.content_length());
  request.add("content-length", "1073741824");
  request.finish();
  ASSERT_TRUE(request.content_length());
  EXPECT_EQ(*request.content_length(), 1073741824u);
}

TEST(Http2RequestHeadTest, LimitsOfAnHttp1HeadApply) {
  ParserLimits limits;
  limits.max_target_bytes = 16;
  limits.max_head_bytes = 100;
  limits.max_header_count = 3;
  Http2RequestHead long_target(limits);
  long_target.add(":path", "/" + std::string(16, 'a'));
  long_target.finish();
  EXPECT_EQ(long_target.error(), Http2HeadError::target_too_long);

  Http2RequestHead many(limits);
  many.add(":method", "GET");
  many.add(":path", "/");
  for (int i = 0; i < 4; ++i) {
    many.add("x-" + std::to_string(i), "v");
  }
  many.finish();
  EXPECT_EQ(many.error(), Http2HeadError::too_large);

  Http2RequestHead large(limits);
  large.add(":path", "/");
  large.add("x-big", std::string(100, 'v'));
  large.finish();
  EXPECT_EQ(large.error(), Http2HeadError::too_large);
  // Nothing past the limit is kept: a flood of fields costs no memory.
  EXPECT_TRUE(large.head().headers.empty());
}

// RFC 8441: the HTTP/1.1 upgrade a WebSocket backend expects, with a key of relay7's own.
TEST(Http2RequestHeadTest, AnExtendedConnectForWebSocketBecomesAnUpgrade) {
  const ParserLimits limits;
  Http2RequestHead request(limits);
  request.add(":method", "CONNECT");
  request.add(":protocol", "websocket");
  request.add(":scheme", "https");
  request.add(":authority", "chat.example");
  request.add(":path", "/socket?room=1");
  request.add("sec-websocket-version", "13");
  request.finish();
  ASSERT_EQ(request.error(), Http2HeadError::none);
  EXPECT_TRUE(request.websocket());
  EXPECT_EQ(request.head().method, "GET");
  EXPECT_EQ(request.head().target, "/socket?room=1");
  EXPECT_EQ(field(request.head(), "upgrade"), "websocket");
  EXPECT_EQ(field(request.head(), "host"), "chat.example");
  const std::string key = field(request.head(), "sec-websocket-key");
  EXPECT_EQ(key.size(), 24u);  // 16 bytes in base64
  EXPECT_EQ(key.back(), '=');

  Http2RequestHead other(limits);
  other.add(":method", "CONNECT");
  other.add(":protocol", "webtransport");
  other.add(":path", "/");
  other.finish();
  EXPECT_EQ(other.error(), Http2HeadError::unsupported);
  EXPECT_FALSE(other.websocket());
}

}  // namespace
}  // namespace relay7
