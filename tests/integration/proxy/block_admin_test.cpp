// etc/examples/block-admin.json against four real backends: /admin and everything under it is
// answered 403 by relay7 itself, however the path is spelled, and never reaches a backend.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "support/backend_json.h"
#include "support/example_backends.h"
#include "support/http_connection.h"
#include "support/relay7_process.h"

namespace {

using relay7::testing::ExampleBackends;
using relay7::testing::HttpConnection;
using relay7::testing::HttpResponse;
using relay7::testing::Relay7Process;

nlohmann::json block_admin_config(const ExampleBackends& backends) {
  return backends.rewrite(relay7::testing::load_example("block-admin.json"));
}

class BlockAdminExampleTest : public ::testing::Test {
 protected:
  BlockAdminExampleTest() : relay_(block_admin_config(backends_)) {}

  void expect_no_backend_requests() {
    const std::vector<std::vector<std::string>> requests = backends_.requests();
    for (size_t i = 0; i < requests.size(); ++i)
      EXPECT_EQ(requests[i], std::vector<std::string>{}) << "backend " << i;
  }

  void expect_forbidden(const std::string& target) {
    const HttpResponse response = relay7::testing::http_get(relay_.port(), target);
    EXPECT_EQ(response.status, 403) << target << ": " << response.reason;
    EXPECT_EQ(response.reason, "Forbidden") << target;
  }

  ExampleBackends backends_;
  Relay7Process relay_;
};

TEST_F(BlockAdminExampleTest, ForbidsAdminAndEverythingUnderIt) {
  for (const char* target : {"/admin", "/admin/", "/admin/anything", "/admin/a/b?c=d", "/admin?x=1",
                             "/administrator", "/admin.php"}) {
    expect_forbidden(target);
  }
  expect_no_backend_requests();
}

TEST_F(BlockAdminExampleTest, ForbidsAdminHoweverThePathIsSpelled) {
  for (const char* target :
       {"//admin", "/%61dmin", "/%61%64%6d%69%6e/x", "/x/../admin", "/x/%2e%2e/admin", "/./admin",
        "/summary/../admin", "///admin//x", "/admin;jsessionid=1", "/admin%2Fusers", "/admin/.",
        "/admin/x/..", "/ADMIN", "/Admin/users", "/%41DMIN", "/aDmIn;x", "http://anyhost/admin",
        "http://anyhost/ADMIN/x", "HTTP://anyhost//admin"}) {
    expect_forbidden(target);
  }
  expect_no_backend_requests();
}

// Spellings relay7 cannot route to one meaning are refused outright. "/summary../admin" matches
// the /summary location, whose rewrite would send "/../admin" upstream (nginx's off-by-slash).
TEST_F(BlockAdminExampleTest, RefusesSpellingsThatCouldClimbOutOfTheirLocation) {
  for (const char* target : {"/summary../admin", "/summary..", "/summary./admin",
                             "/user-data../admin", "/../admin", "/x/../../admin", "/%2e%2e/admin",
                             "/%zz/admin", "/admin%", "/adm%in", "/admin\x7f", "/admin\xc3\xa4"}) {
    const HttpResponse response = relay7::testing::http_get(relay_.port(), target);
    EXPECT_EQ(response.status, 400) << target << ": " << response.reason;
  }
  expect_no_backend_requests();
}

TEST_F(BlockAdminExampleTest, ForbidsEveryMethodAndKeepsTheConnectionUsable) {
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_.port())) << connection.last_error();
  for (const char* method : {"GET", "DELETE", "OPTIONS", "HEAD"}) {
    ASSERT_TRUE(connection.send_request(method, "/admin/users"));
    const std::optional<HttpResponse> response =
        connection.read_final_response(std::string(method) == "HEAD");
    ASSERT_TRUE(response) << method << ": " << connection.last_error();
    EXPECT_EQ(response->status, 403) << method;
    EXPECT_FALSE(response->has_header("Connection")) << method;
  }
  // The connection still carries proxied requests after the refusals.
  ASSERT_TRUE(connection.send_request("GET", "/summary/after"));
  const std::optional<HttpResponse> after = connection.read_final_response();
  ASSERT_TRUE(after) << connection.last_error();
  EXPECT_EQ(after->status, 200);
  EXPECT_EQ(relay7::testing::parse_echo(*after)["uri"], "/after");
  size_t total = 0;
  for (const std::vector<std::string>& uris : backends_.requests()) {
    for (const std::string& uri : uris)
      EXPECT_EQ(uri, "/after");
    total += uris.size();
  }
  EXPECT_EQ(total, 1u);
}

// relay7 refuses before reading the body; rather than read and discard an upload it closes the
// connection after the 403, so the unread body can never be taken for the next request.
TEST_F(BlockAdminExampleTest, ForbidsAnUploadWithoutForwardingItsBody) {
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_.port())) << connection.last_error();
  ASSERT_TRUE(connection.send_request("POST", "/admin/users", {}, "name=mallory&role=admin"));
  const std::optional<HttpResponse> response = connection.read_final_response();
  ASSERT_TRUE(response) << connection.last_error();
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(response->header("Connection"), "close");
  EXPECT_TRUE(connection.is_closed_by_peer(std::chrono::milliseconds(3000)));
  EXPECT_EQ(connection.buffered_size(), 0u);
  expect_no_backend_requests();
}

TEST_F(BlockAdminExampleTest, StillProxiesTheOtherLocations) {
  const HttpResponse root = relay7::testing::http_get(relay_.port(), "/adm");
  EXPECT_EQ(root.status, 200) << root.reason;
  EXPECT_EQ(relay7::testing::parse_echo(root)["uri"], "/adm");
  const HttpResponse summary = relay7::testing::http_get(relay_.port(), "/summary/x?y=1");
  EXPECT_EQ(summary.status, 200) << summary.reason;
  EXPECT_EQ(relay7::testing::parse_echo(summary)["uri"], "/x?y=1");
  const HttpResponse user_data = relay7::testing::http_get(relay_.port(), "/user-data/z");
  EXPECT_EQ(user_data.status, 200) << user_data.reason;
  EXPECT_EQ(relay7::testing::parse_echo(user_data)["uri"], "/z");
}

}  // namespace
