#include "relay7/http/request_checks.h"

#include <gtest/gtest.h>

namespace relay7 {
namespace {

MessageHead head(unsigned major, unsigned minor,
                 std::vector<std::pair<std::string, std::string>> headers) {
  MessageHead result;
  result.method = "POST";
  result.target = "/";
  result.version_major = major;
  result.version_minor = minor;
  for (auto& [name, value] : headers) {
    result.headers.add(name, value);
  }
  return result;
}

TEST(RequestChecksTest, AcceptsPlainAndChunkedRequests) {
  EXPECT_EQ(refuse_request_head(head(1, 1, {{"host", "a"}})), 0);
  EXPECT_EQ(refuse_request_head(head(1, 1, {{"host", "a"}, {"transfer-encoding", " Chunked "}})),
            0);
  EXPECT_EQ(refuse_request_head(head(1, 0, {})), 0);
}

TEST(RequestChecksTest, RefusesOtherVersions) {
  EXPECT_EQ(refuse_request_head(head(2, 0, {{"host", "a"}})), 505);
  EXPECT_EQ(refuse_request_head(head(2, 0, {{"host", "a"}}), true), 0);
  EXPECT_EQ(refuse_request_head(head(1, 1, {{"host", "a"}}), true), 505);
  EXPECT_EQ(refuse_request_head(head(1, 2, {{"host", "a"}})), 505);
  EXPECT_EQ(refuse_request_head(head(0, 9, {})), 505);
}

TEST(RequestChecksTest, WantsExactlyOneHostInHttp11) {
  EXPECT_EQ(refuse_request_head(head(1, 1, {})), 400);
  EXPECT_EQ(refuse_request_head(head(1, 1, {{"host", "a"}, {"host", "a"}})), 400);
  EXPECT_EQ(refuse_request_head(head(1, 0, {{"host", "a"}, {"host", "b"}})), 400);
}

TEST(RequestChecksTest, AcceptsHostNamesAddressesAndPorts) {
  for (const char* host :
       {"shop.example", "Shop.Example.:8080", "127.0.0.1:80", "[::1]", "[::1]:8443",
        "xn--bcher-kva.example", "a_b.example", "a%41.example", ""}) {
    EXPECT_TRUE(is_valid_host_value(host)) << host;
    EXPECT_EQ(refuse_request_head(head(1, 1, {{"host", host}})), 0) << host;
  }
}

// $host goes into redirects and selects server blocks: nothing that could end the authority or
// start a path gets through.
TEST(RequestChecksTest, RefusesHostsThatAreNoHost) {
  for (const char* host : {"evil.example/path", "a@b.example", "a b", "a\\b", "a:b:c", "a:8x",
                           "[::1", "[]", "[g::1]", "[::1]x", "a\"b", "a?b", "a#b", "<script>"}) {
    EXPECT_FALSE(is_valid_host_value(host)) << host;
    EXPECT_EQ(refuse_request_head(head(1, 1, {{"host", host}})), 400) << host;
  }
}

TEST(RequestChecksTest, AcceptsOnlyASingleChunkedCoding) {
  for (const char* coding :
       {"gzip", "gzip, chunked", "chunked, gzip", "xchunked", "chunked;q=1", ""}) {
    EXPECT_EQ(refuse_request_head(head(1, 1, {{"host", "a"}, {"transfer-encoding", coding}})), 400)
        << coding;
  }
  EXPECT_EQ(
      refuse_request_head(head(
          1, 1,
          {{"host", "a"}, {"transfer-encoding", "chunked"}, {"transfer-encoding", "chunked"}})),
      400);
}

// llhttp does not frame "chunked" followed by a TAB as chunked (it reads no body): accepting it
// would let the request's body be read as the next request. Trailing spaces it does frame.
TEST(RequestChecksTest, RefusesChunkedFollowedByATab) {
  for (const char* coding : {"chunked\t", "chunked \t", "chunked\t "}) {
    EXPECT_EQ(refuse_request_head(head(1, 1, {{"host", "a"}, {"transfer-encoding", coding}})), 400)
        << coding;
  }
  EXPECT_EQ(refuse_request_head(head(1, 1, {{"host", "a"}, {"transfer-encoding", "chunked  "}})),
            0);
}

// RFC 9112 section 6.1: Transfer-Encoding in an HTTP/1.0 message means its framing is faulty.
TEST(RequestChecksTest, RefusesTransferEncodingInHttp10) {
  EXPECT_EQ(refuse_request_head(head(1, 0, {{"transfer-encoding", "chunked"}})), 400);
}

TEST(RequestChecksTest, RefusesChunkedAppliedTwiceInOneField) {
  EXPECT_EQ(
      refuse_request_head(head(1, 1, {{"host", "a"}, {"transfer-encoding", "chunked, chunked"}})),
      400);
}

TEST(RequestChecksTest, RefusesConnect) {
  MessageHead connect = head(1, 1, {{"host", "a"}, {"content-length", "5"}});
  connect.method = "CONNECT";
  connect.target = "/x";
  EXPECT_EQ(refuse_request_head(connect), 501);
}

}  // namespace
}  // namespace relay7
