// Any method token is a method (RFC 9110 section 9): relay7 forwards the ones llhttp does not
// know (QUERY, extensions) unchanged, refuses what is not a token, and passes "OPTIONS *" on.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "support/backend_json.h"
#include "support/demo_backend.h"
#include "support/http_connection.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"

namespace relay7::testing {
namespace {

class MethodsTest : public ::testing::Test {
 protected:
  MethodsTest() : relay_(single_upstream_config({backend_.port()})) {}

  std::optional<HttpResponse> send(const std::string& raw) {
    return exchange_raw(relay_.port(), raw);
  }

  DemoBackend backend_;
  Relay7Process relay_;
};

TEST_F(MethodsTest, QueryWithABodyIsForwardedUnchanged) {
  const std::string body = R"({"select": "*"})";
  const std::optional<HttpResponse> response = send(
      "QUERY /search?x=1 HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200);
  const nlohmann::json echo = parse_echo(*response);
  EXPECT_EQ(echo["method"], "QUERY");
  EXPECT_EQ(echo["uri"], "/search?x=1");
  EXPECT_EQ(echo["body_length"], body.size());
}

TEST_F(MethodsTest, ExtensionMethodsAreForwardedWithTheirBodiesAndCase) {
  for (const std::string method :
       {"BREW", "X-CUSTOM_1", "get", "Query", "VERSION-CONTROL", "PROPFIND", "PURGE", "M-SEARCH"}) {
    const std::optional<HttpResponse> response =
        send(method +
             " /m HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
             "Connection: close\r\n\r\n4\r\nbody\r\n0\r\n\r\n");
    ASSERT_TRUE(response) << method;
    ASSERT_EQ(response->status, 200) << method;
    const nlohmann::json echo = parse_echo(*response);
    EXPECT_EQ(echo["method"], method);
    EXPECT_EQ(echo["body_length"], 4) << method;
  }
}

// Pipelined after an extension method, the next request is read from the right byte: the body
// of the first is framed by its Content-Length, not taken for a request.
TEST_F(MethodsTest, AnExtensionMethodsBodyIsNeverReadAsTheNextRequest) {
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_.port()));
  const std::string body = "GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n";
  ASSERT_TRUE(connection.send_raw(
      "QUERY /a HTTP/1.1\r\nHost: h\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body + "GET /b HTTP/1.1\r\nHost: h\r\n\r\n"));
  const std::optional<HttpResponse> first = connection.read_final_response();
  ASSERT_TRUE(first) << connection.last_error();
  EXPECT_EQ(parse_echo(*first)["body_length"], body.size());
  const std::optional<HttpResponse> second = connection.read_final_response();
  ASSERT_TRUE(second) << connection.last_error();
  EXPECT_EQ(parse_echo(*second)["uri"], "/b");
  EXPECT_EQ(backend_.requests(), (std::vector<std::string>{"/a", "/b"}));
}

TEST_F(MethodsTest, WhatIsNotATokenIsRefused) {
  const std::string too_long(65, 'A');
  for (const std::string& method : std::vector<std::string>{"GE(T", "GET\"", "G\x01T", too_long}) {
    const std::optional<HttpResponse> response = send(method + " / HTTP/1.1\r\nHost: h\r\n\r\n");
    ASSERT_TRUE(response) << method;
    EXPECT_EQ(response->status, 400) << method;
  }
  EXPECT_TRUE(backend_.requests().empty());
}

TEST_F(MethodsTest, OptionsAsteriskGoesUpstreamAsAsterisk) {
  const std::optional<HttpResponse> response =
      send("OPTIONS * HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200);
  const nlohmann::json echo = parse_echo(*response);
  EXPECT_EQ(echo["method"], "OPTIONS");
  EXPECT_EQ(echo["uri"], "*");
}

TEST_F(MethodsTest, OnlyOptionsMayUseTheAsteriskForm) {
  for (const char* method : {"GET", "POST", "QUERY"}) {
    const std::optional<HttpResponse> response =
        send(std::string(method) + " * HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
    ASSERT_TRUE(response) << method;
    EXPECT_EQ(response->status, 400) << method;
  }
}

// "OPTIONS *" is routed as "/" is: a server whose root is refused refuses it too.
TEST(MethodsRoutingTest, OptionsAsteriskFollowsTheRootLocation) {
  nlohmann::json config = single_upstream_config({1});
  config["servers"][0]["locations"] = {{{"path", "/"}, {"return", 403}}};
  const Relay7Process relay(config);
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay.port()));
  ASSERT_TRUE(connection.send_raw("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"));
  const std::optional<HttpResponse> response = connection.read_final_response();
  ASSERT_TRUE(response) << connection.last_error();
  EXPECT_EQ(response->status, 403);
}

}  // namespace
}  // namespace relay7::testing
