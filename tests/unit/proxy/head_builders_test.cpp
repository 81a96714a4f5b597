#include <gtest/gtest.h>

#include <string>

#include "relay7/proxy/client_response.h"
#include "relay7/proxy/upstream_request.h"

namespace relay7 {
namespace {

MessageHead head_with(std::initializer_list<std::pair<std::string, std::string>> headers) {
  MessageHead head;
  head.method = "GET";
  head.target = "/ignored";
  for (const auto& [name, value] : headers) {
    Header& header = head.headers.add();
    header.name = name;
    header.value = value;
  }
  return head;
}

TEST(UpstreamRequestHead, RemovesHopByHopAndSetsForwardingHeaders) {
  const MessageHead head = head_with({{"Host", "example.com"},
                                      {"Connection", "keep-alive, X-Secret"},
                                      {"Keep-Alive", "timeout=5"},
                                      {"X-Secret", "drop me"},
                                      {"TE", "trailers"},
                                      {"Proxy-Connection", "keep-alive"},
                                      {"X-Forwarded-For", "203.0.113.7"},
                                      {"X-Real-IP", "spoofed"},
                                      {"Accept", "*/*"}});
  std::string out;
  build_upstream_request_head({head, "/report", "day=1", true, "example.com", "127.0.0.2",
                               RequestBodyMode::none, 0, false, true},
                              out);
  EXPECT_EQ(out,
            "GET /report?day=1 HTTP/1.1\r\n"
            "Host: example.com\r\n"
            "Accept: */*\r\n"
            "X-Forwarded-For: 203.0.113.7, 127.0.0.2\r\n"
            "X-Real-IP: 127.0.0.2\r\n"
            "X-Forwarded-Proto: http\r\n"
            "X-Forwarded-Host: example.com\r\n"
            "\r\n");
}

TEST(UpstreamRequestHead, RegeneratesFraming) {
  const MessageHead head = head_with({{"Host", "h"}, {"Content-Length", "10"}});
  std::string out;
  build_upstream_request_head(
      {head, "/", "", false, "h", "::1", RequestBodyMode::length, 10, false, false}, out);
  EXPECT_NE(out.find("Content-Length: 10\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Content-Length: 10\r\nContent-Length"), std::string::npos);
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos) << "keepalive 0 closes";

  const MessageHead chunked = head_with({{"Host", "h"}, {"Transfer-Encoding", "chunked"}});
  build_upstream_request_head(
      {chunked, "/", "", false, "h", "::1", RequestBodyMode::chunked, 0, false, true}, out);
  EXPECT_NE(out.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Connection:"), std::string::npos);
}

TEST(UpstreamRequestHead, PassesUpgradeOnlyWhenTunnelling) {
  const MessageHead head =
      head_with({{"Host", "h"}, {"Connection", "Upgrade"}, {"Upgrade", "websocket"}});
  std::string out;
  build_upstream_request_head(
      {head, "/ws", "", false, "h", "::1", RequestBodyMode::none, 0, true, true}, out);
  EXPECT_NE(out.find("Upgrade: websocket\r\nConnection: upgrade\r\n"), std::string::npos);
  build_upstream_request_head(
      {head, "/ws", "", false, "h", "::1", RequestBodyMode::none, 0, false, true}, out);
  EXPECT_EQ(out.find("Upgrade"), std::string::npos);
}

TEST(ClientResponseHead, ReframesAndKeepsEndToEndHeaders) {
  MessageHead head = head_with({{"Content-Type", "text/plain"},
                                {"Transfer-Encoding", "chunked"},
                                {"Connection", "close, X-Hop"},
                                {"X-Hop", "1"},
                                {"Set-Cookie", "a=b"}});
  head.status = 200;
  head.reason = "OK";
  std::string out;
  build_client_response_head({head, ResponseBodyMode::chunked, true, true, false, {}}, out);
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\n"
            "Content-Type: text/plain\r\n"
            "Set-Cookie: a=b\r\n"
            "Transfer-Encoding: chunked\r\n"
            "\r\n");
}

TEST(ClientResponseHead, Http10KeepAliveAndClose) {
  MessageHead head = head_with({{"Content-Length", "3"}});
  head.status = 404;
  std::string out;
  build_client_response_head({head, ResponseBodyMode::length, true, false, false, {}}, out);
  EXPECT_EQ(out, "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\n");
  build_client_response_head({head, ResponseBodyMode::length, false, true, false, {}}, out);
  EXPECT_EQ(out, "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\nConnection: close\r\n\r\n");
  build_client_response_head({head, ResponseBodyMode::until_close, false, false, false, {}}, out);
  EXPECT_EQ(out.find("Content-Length"), std::string::npos);
}

TEST(ClientResponseHead, SwitchingProtocols) {
  MessageHead head = head_with({{"Upgrade", "websocket"}, {"Connection", "Upgrade"}});
  head.status = 101;
  std::string out;
  build_client_response_head({head, ResponseBodyMode::none, false, true, true, {}}, out);
  EXPECT_EQ(
      out, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n");
}

TEST(ClientResponseHead, StickyCookieIsAddedBesideTheBackendsOwn) {
  MessageHead head = head_with({{"Content-Length", "0"}, {"Set-Cookie", "a=b"}});
  head.status = 200;
  std::string out;
  build_client_response_head(
      {head, ResponseBodyMode::length, true, true, false, "srv=0123456789abcdef; Path=/; HttpOnly"},
      out);
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\n"
            "Content-Length: 0\r\n"
            "Set-Cookie: a=b\r\n"
            "Set-Cookie: srv=0123456789abcdef; Path=/; HttpOnly\r\n"
            "\r\n");
}

}  // namespace
}  // namespace relay7
