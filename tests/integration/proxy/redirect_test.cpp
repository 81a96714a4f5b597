// `return` redirects whose location names request variables: the HTTP-to-HTTPS redirect every
// site moving to TLS needs, filled in per request from what the client sent.
#include <gtest/gtest.h>

#include <string>

#include "support/http_connection.h"
#include "support/relay7_process.h"

namespace relay7::testing {
namespace {

nlohmann::json redirect(int status, const std::string& location) {
  return {{"status", status}, {"location", location}};
}

nlohmann::json redirect_config() {
  return {{"servers",
           {{{"listen", {"127.0.0.1:0"}},
             {"server_names", {"*.wild.example", "shop.example"}},
             {"locations",
              {{{"path", "/"}, {"return", redirect(301, "https://$host$request_uri")}},
               {{"path", "/where"},
                {"return", redirect(302, "$scheme://${host}:$server_port/there$$")}}}}}}}};
}

class RedirectTest : public ::testing::Test {
 protected:
  HttpResponse send(const std::string& raw) {
    const std::optional<HttpResponse> response = exchange_raw(relay_.port(), raw);
    return response.value_or(HttpResponse{});
  }

  void expect_redirect(const std::string& raw, int status, const std::string& location) {
    const HttpResponse response = send(raw);
    EXPECT_EQ(response.status, status) << raw;
    EXPECT_EQ(response.header("Location"), location) << raw;
  }

  Relay7Process relay_{redirect_config()};
};

TEST_F(RedirectTest, HttpToHttpsKeepsHostPathAndQueryAsReceived) {
  expect_redirect("GET /cart/../a%2Fb?id=7&x=%20 HTTP/1.1\r\nHost: Shop.Example:8080\r\n\r\n", 301,
                  "https://shop.example/cart/../a%2Fb?id=7&x=%20");
}

TEST_F(RedirectTest, SchemeAndServerPortComeFromTheListener) {
  expect_redirect("GET /where HTTP/1.1\r\nHost: a.example\r\n\r\n", 302,
                  "http://a.example:" + std::to_string(relay_.port()) + "/there$");
}

TEST_F(RedirectTest, AbsoluteFormTargetGivesItsHostAndOnlyItsPath) {
  expect_redirect("GET http://Other.Example/p?q HTTP/1.1\r\nHost: ignored.example\r\n\r\n", 301,
                  "https://other.example/p?q");
}

TEST_F(RedirectTest, Http10WithoutHostUsesTheFirstExactServerName) {
  expect_redirect("GET /x HTTP/1.0\r\n\r\n", 301, "https://shop.example/x");
}

TEST_F(RedirectTest, AHostThatIsNoHostNameIsRefusedBeforeItReachesALocation) {
  for (const char* host : {"evil.example/path", "a@evil.example", "evil.example\\x", "a b"}) {
    const HttpResponse response = send("GET / HTTP/1.1\r\nHost: " + std::string(host) + "\r\n\r\n");
    EXPECT_EQ(response.status, 400) << host;
    EXPECT_FALSE(response.has_header("Location")) << host;
  }
}

}  // namespace
}  // namespace relay7::testing
