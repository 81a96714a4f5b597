#include "relay7/http1/response_head.h"

#include <gtest/gtest.h>

#include <string>

#include "../transport/io_buffer_text.h"

#include "relay7/http/message_parser.h"

namespace relay7 {
namespace {

// A backend's response as the upstream exchange hands it on.
ResponseHead backend_response(const MessageHead& head) {
  ResponseHead response;
  response.status = head.status;
  response.reason = head.reason;
  response.fields = &head.headers;
  return response;
}

MessageHead head_with(std::initializer_list<std::pair<std::string, std::string>> headers) {
  MessageHead head;
  head.method = "GET";
  head.target = "/ignored";
  for (const auto& [name, value] : headers) {
    head.headers.add(name, value);
  }
  return head;
}

TEST(ResponseHeadTest, ReframesAndKeepsEndToEndHeaders) {
  MessageHead head = head_with({{"Content-Type", "text/plain"},
                                {"Transfer-Encoding", "chunked"},
                                {"Connection", "close, X-Hop"},
                                {"X-Hop", "1"},
                                {"Set-Cookie", "a=b"}});
  head.status = 200;
  head.reason = "OK";
  BlockPool blocks;
  IoBuffer buffer(blocks);
  std::string out;
  buffer.clear();
  write_response_head(backend_response(head), {ResponseBodyMode::chunked, true, true, {}}, buffer);
  out = testing::text_of(buffer);
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\n"
            "Content-Type: text/plain\r\n"
            "Set-Cookie: a=b\r\n"
            "Transfer-Encoding: chunked\r\n"
            "\r\n");
}

TEST(ResponseHeadTest, Http10KeepAliveAndClose) {
  MessageHead head = head_with({{"Content-Length", "3"}});
  head.status = 404;
  BlockPool blocks;
  IoBuffer buffer(blocks);
  std::string out;
  buffer.clear();
  write_response_head(backend_response(head), {ResponseBodyMode::length, true, false, {}}, buffer);
  out = testing::text_of(buffer);
  EXPECT_EQ(out, "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\n");
  buffer.clear();
  write_response_head(backend_response(head), {ResponseBodyMode::length, false, true, {}}, buffer);
  out = testing::text_of(buffer);
  EXPECT_EQ(out, "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\nConnection: close\r\n\r\n");
  buffer.clear();
  write_response_head(backend_response(head), {ResponseBodyMode::until_close, false, false, {}},
                      buffer);
  EXPECT_EQ(testing::text_of(buffer).find("Content-Length"), std::string::npos);
}

TEST(ResponseHeadTest, SwitchingProtocols) {
  MessageHead head = head_with({{"Upgrade", "websocket"}, {"Connection", "Upgrade"}});
  head.status = 101;
  BlockPool blocks;
  IoBuffer buffer(blocks);
  std::string out;
  ResponseHead response = backend_response(head);
  response.switching_protocols = true;
  buffer.clear();
  write_response_head(response, {ResponseBodyMode::none, false, true, {}}, buffer);
  out = testing::text_of(buffer);
  EXPECT_EQ(
      out, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n");
}

TEST(ResponseHeadTest, StickyCookieIsAddedBesideTheBackendsOwn) {
  MessageHead head = head_with({{"Content-Length", "0"}, {"Set-Cookie", "a=b"}});
  head.status = 200;
  BlockPool blocks;
  IoBuffer buffer(blocks);
  std::string out;
  ResponseHead response = backend_response(head);
  response.set_cookie = "srv=0123456789abcdef; Path=/; HttpOnly";
  buffer.clear();
  write_response_head(response, {ResponseBodyMode::length, true, true, {}}, buffer);
  out = testing::text_of(buffer);
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\n"
            "Content-Length: 0\r\n"
            "Set-Cookie: a=b\r\n"
            "Set-Cookie: srv=0123456789abcdef; Path=/; HttpOnly\r\n"
            "\r\n");
}

// relay7's own answers carry Server, Date, a text body's type and length, and Location.
TEST(ResponseHeadTest, GeneratedAnswers) {
  ResponseHead response;
  response.status = 301;
  response.generated = true;
  response.content_length = 30;
  response.location = "https://example.com/new";
  BlockPool blocks;
  IoBuffer buffer(blocks);
  std::string out;
  buffer.clear();
  write_response_head(
      response, {ResponseBodyMode::length, true, true, "Sun, 06 Nov 1994 08:49:37 GMT"}, buffer);
  out = testing::text_of(buffer);
  EXPECT_EQ(out,
            "HTTP/1.1 301 Moved Permanently\r\n"
            "Server: relay7\r\n"
            "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 30\r\n"
            "Location: https://example.com/new\r\n"
            "\r\n");
  response.status = 204;
  buffer.clear();
  write_response_head(response, {ResponseBodyMode::none, false, true, "D"}, buffer);
  out = testing::text_of(buffer);
  EXPECT_EQ(out,
            "HTTP/1.1 204 No Content\r\nServer: relay7\r\nDate: D\r\nLocation: "
            "https://example.com/new\r\nConnection: close\r\n\r\n");
}

}  // namespace
}  // namespace relay7
