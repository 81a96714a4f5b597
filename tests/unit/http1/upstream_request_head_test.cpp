#include "relay7/http1/upstream_request_head.h"

#include <gtest/gtest.h>

#include <string>

#include "../transport/io_buffer_text.h"

namespace relay7 {
namespace {

MessageHead head_with(std::initializer_list<std::pair<std::string, std::string>> headers) {
  MessageHead head;
  head.method = "GET";
  head.target = "/ignored";
  for (const auto& [name, value] : headers) {
    head.headers.add(name, value);
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
  BlockPool blocks;
  IoBuffer buffer(blocks);
  std::string out;
  buffer.clear();
  build_upstream_request_head({head, "/report", "day=1", true, "example.com", "127.0.0.2",
                               "127.0.0.2", RequestBodyMode::none, 0, false, true},
                              buffer);
  out = testing::text_of(buffer);
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

// Behind a trusted proxy (real_ip) the client is another address than the peer: X-Real-IP names
// the client, X-Forwarded-For gets the hop relay7 heard from, as every proxy appends its own.
TEST(UpstreamRequestHead, ForwardsTheClientAndAppendsThePeer) {
  const MessageHead head = head_with({{"Host", "h"}, {"X-Forwarded-For", "203.0.113.7"}});
  BlockPool blocks;
  IoBuffer buffer(blocks);
  build_upstream_request_head(
      {head, "/", "", false, "h", "203.0.113.7", "10.0.0.2", RequestBodyMode::none, 0, false, true},
      buffer);
  const std::string out = testing::text_of(buffer);
  EXPECT_NE(out.find("\r\nX-Forwarded-For: 203.0.113.7, 10.0.0.2\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\r\nX-Real-IP: 203.0.113.7\r\n"), std::string::npos) << out;
}

TEST(UpstreamRequestHead, SaysHttpsToTheBackendOfATlsClient) {
  const MessageHead head = head_with({{"Host", "h"}, {"X-Forwarded-Proto", "http"}});
  BlockPool blocks;
  IoBuffer buffer(blocks);
  build_upstream_request_head(
      {head, "/", "", false, "h", "::1", "::1", RequestBodyMode::none, 0, false, true, true},
      buffer);
  const std::string out = testing::text_of(buffer);
  EXPECT_NE(out.find("\r\nX-Forwarded-Proto: https\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("X-Forwarded-Proto: http\r\n"), std::string::npos) << "the client's copy goes";
}

TEST(UpstreamRequestHead, RegeneratesFraming) {
  const MessageHead head = head_with({{"Host", "h"}, {"Content-Length", "10"}});
  BlockPool blocks;
  IoBuffer buffer(blocks);
  std::string out;
  buffer.clear();
  build_upstream_request_head(
      {head, "/", "", false, "h", "::1", "::1", RequestBodyMode::length, 10, false, false}, buffer);
  out = testing::text_of(buffer);
  EXPECT_NE(out.find("Content-Length: 10\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Content-Length: 10\r\nContent-Length"), std::string::npos);
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos) << "keepalive 0 closes";

  const MessageHead chunked = head_with({{"Host", "h"}, {"Transfer-Encoding", "chunked"}});
  buffer.clear();
  build_upstream_request_head(
      {chunked, "/", "", false, "h", "::1", "::1", RequestBodyMode::chunked, 0, false, true},
      buffer);
  out = testing::text_of(buffer);
  EXPECT_NE(out.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Connection:"), std::string::npos);
}

TEST(UpstreamRequestHead, PassesUpgradeOnlyWhenTunnelling) {
  const MessageHead head =
      head_with({{"Host", "h"}, {"Connection", "Upgrade"}, {"Upgrade", "websocket"}});
  BlockPool blocks;
  IoBuffer buffer(blocks);
  std::string out;
  buffer.clear();
  build_upstream_request_head(
      {head, "/ws", "", false, "h", "::1", "::1", RequestBodyMode::none, 0, true, true}, buffer);
  out = testing::text_of(buffer);
  EXPECT_NE(out.find("Upgrade: websocket\r\nConnection: upgrade\r\n"), std::string::npos);
  buffer.clear();
  build_upstream_request_head(
      {head, "/ws", "", false, "h", "::1", "::1", RequestBodyMode::none, 0, false, true}, buffer);
  out = testing::text_of(buffer);
  EXPECT_EQ(out.find("Upgrade"), std::string::npos);
}

}  // namespace
}  // namespace relay7
