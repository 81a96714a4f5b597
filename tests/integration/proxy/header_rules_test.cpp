// Header rules, request IDs and access-log formats end to end: what the backend receives, what
// the client gets back (over HTTP/1.1 and HTTP/2), and what the log says about the same request.
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/backend_json.h"
#include "support/child_process.h"
#include "support/demo_backend.h"
#include "support/http_connection.h"
#include "support/paths.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"
#include "support/temp_dir.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;

constexpr const char* kClient = "127.0.0.7";
constexpr const char* kTrustedProxy = "127.0.0.2";

Json rules_config(const DemoBackend& backend, const TempDir& logs) {
  Json config = single_upstream_config({backend.port()});
  config["access_log"] = {{"path", logs.file("access.log").string()}, {"format", "json"}};
  config["request_id"] = {{"return", true}};
  config["real_ip"] = {{"from", {kTrustedProxy}}};
  Json& server = config["servers"][0];
  server["header_rules"] = Json::parse(R"({
    "request": {"set": {"X-Tenant": "shop", "Forwarded": "$proxy_add_forwarded"},
                "add": [["X-Client", "$remote_addr/$http_x_user"]],
                "remove": ["Cookie"]},
    "response": {"set": {"X-Frame-Options": "DENY"}, "remove": ["Server"]}
  })");
  server["locations"] = Json::parse(R"([
    {"path": "/admin", "return": 403},
    {"path": "/legacy", "proxy_pass": "http://backends",
     "header_rules": {"request": {"set": {"X-Tenant": "legacy"}, "remove": ["X-Real-IP"]},
                      "response": {"add": [["Cache-Control", "no-store"]]}}},
    {"path": "/", "proxy_pass": "http://backends"}
  ])");
  return config;
}

class HeaderRulesTest : public ::testing::Test {
 protected:
  Json echo_of(const std::string& path, const Headers& headers, const char* peer = kClient,
               HttpResponse* response_out = nullptr) {
    const HttpResponse response = http_get(relay_.port(), path, headers, peer);
    EXPECT_EQ(response.status, 200) << response.reason;
    if (response_out != nullptr) {
      *response_out = response;
    }
    return parse_echo(response);
  }

  // The access log's lines, each parsed (a line that is not JSON fails the test).
  std::vector<Json> log_lines(size_t at_least) {
    std::vector<Json> lines;
    EXPECT_TRUE(eventually(
        [&] {
          lines.clear();
          std::istringstream in(read_file(logs_.file("access.log")));
          for (std::string line; std::getline(in, line);) {
            lines.push_back(Json::parse(line, nullptr, false));
            EXPECT_FALSE(lines.back().is_discarded()) << line;
          }
          return lines.size() >= at_least;
        },
        5s));
    return lines;
  }

  TempDir logs_{"relay7-header-rules"};
  DemoBackend backend_;
  Relay7Process relay_{rules_config(backend_, logs_)};
};

TEST_F(HeaderRulesTest, ServerRulesShapeTheRequestAndTheResponse) {
  HttpResponse response;
  const Json echo = echo_of("/page",
                            {{"Cookie", "session=secret"},
                             {"X-User", "ann"},
                             {"X-Tenant", "forged"},
                             {"Forwarded", "for=192.0.2.60"}},
                            kClient, &response);
  EXPECT_EQ(echoed_header(echo, "X-Tenant"), "shop");
  EXPECT_EQ(echoed_header_values(echo, "X-Tenant").size(), 1u) << "the client's is replaced";
  EXPECT_EQ(echoed_header(echo, "X-Client"), "127.0.0.7/ann");
  EXPECT_TRUE(echoed_header_values(echo, "Cookie").empty());
  EXPECT_EQ(echoed_header(echo, "Forwarded"), "for=192.0.2.60, for=127.0.0.7;host=\"127.0.0.1:" +
                                                  std::to_string(relay_.port()) + "\";proto=http");
  EXPECT_EQ(echoed_header(echo, "X-Real-IP"), "127.0.0.7") << "defaults stay";
  EXPECT_EQ(response.header("X-Frame-Options"), "DENY");
  EXPECT_FALSE(response.has_header("Cache-Control"));
}

TEST_F(HeaderRulesTest, ALocationOverridesByNameAndInheritsTheRest) {
  HttpResponse response;
  const Json echo = echo_of("/legacy/x", {{"X-Real-IP", "6.6.6.6"}}, kClient, &response);
  EXPECT_EQ(echoed_header(echo, "X-Tenant"), "legacy");
  EXPECT_TRUE(echoed_header_values(echo, "X-Real-IP").empty()) << "removed, the client's too";
  EXPECT_EQ(echoed_header(echo, "X-Client"), "127.0.0.7/") << "inherited from the server";
  EXPECT_EQ(response.header("Cache-Control"), "no-store");
  EXPECT_EQ(response.header("X-Frame-Options"), "DENY") << "inherited from the server";
}

TEST_F(HeaderRulesTest, RelaysOwnAnswersFollowTheResponseRules) {
  const HttpResponse response = http_get(relay_.port(), "/admin", {}, kClient);
  EXPECT_EQ(response.status, 403);
  EXPECT_FALSE(response.has_header("Server")) << "removed by the server's rules";
  EXPECT_EQ(response.header("X-Frame-Options"), "DENY");
  EXPECT_EQ(response.header("X-Request-ID").size(), 32u);
  EXPECT_TRUE(response.has_header("Date"));
}

TEST_F(HeaderRulesTest, EachRequestGetsAnIdPassedOnReturnedAndLogged) {
  HttpResponse first;
  HttpResponse second;
  const Json echo = echo_of("/a", {{"X-Request-ID", "client-chosen"}}, kClient, &first);
  echo_of("/b", {}, kClient, &second);
  const std::string id = first.header("X-Request-ID");
  EXPECT_EQ(id.size(), 32u) << "an untrusted client's ID is replaced";
  EXPECT_EQ(echoed_header(echo, "X-Request-ID"), id);
  EXPECT_EQ(echoed_header_values(echo, "X-Request-ID").size(), 1u);
  EXPECT_NE(second.header("X-Request-ID"), id);
  const std::vector<Json> lines = log_lines(2);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0]["request_id"], id);
  EXPECT_EQ(lines[0]["remote_addr"], "127.0.0.7");
  EXPECT_EQ(lines[0]["request_uri"], "/a");
  EXPECT_EQ(lines[0]["status"], 200);
  EXPECT_EQ(lines[0]["upstream_addr"], loopback_address(backend_.port()));
  EXPECT_EQ(lines[0]["upstream_status"], 200);
  EXPECT_TRUE(lines[0]["upstream_response_time"].is_number());
  EXPECT_EQ(lines[1]["request_id"], second.header("X-Request-ID"));
}

// A proxy real_ip trusts is trusted with the ID too: the request keeps the ID the first hop gave.
TEST_F(HeaderRulesTest, ATrustedProxysIdIsKept) {
  HttpResponse response;
  const Json echo = echo_of("/c", {{"X-Request-ID", "edge-4711"}, {"X-Forwarded-For", "192.0.2.8"}},
                            kTrustedProxy, &response);
  EXPECT_EQ(response.header("X-Request-ID"), "edge-4711");
  EXPECT_EQ(echoed_header(echo, "X-Request-ID"), "edge-4711");
  const std::vector<Json> lines = log_lines(1);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back()["request_id"], "edge-4711");
  EXPECT_EQ(lines.back()["remote_addr"], "192.0.2.8");
}

// A log line per request whatever the request held: quotes, backslashes and bytes that are not
// UTF-8 stay inside their JSON strings.
TEST_F(HeaderRulesTest, HostileRequestsStillLogOneValidJsonLineEach) {
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_.port(), "127.0.0.1", kClient));
  ASSERT_TRUE(
      connection.send_raw("GET /q?\"},{\"status\":1 HTTP/1.1\r\nHost: h\r\n"
                          "User-Agent: ua\"\\\xff\r\nReferer: \xc3\xa9\r\n\r\n"));
  ASSERT_TRUE(connection.read_final_response());
  const std::vector<Json> lines = log_lines(1);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["request_uri"], "/q?\"},{\"status\":1");
  EXPECT_EQ(lines[0]["status"], 200);
  EXPECT_EQ(lines[0]["http_user_agent"], "ua\"\\\xef\xbf\xbd");
  EXPECT_EQ(lines[0]["http_referer"], "\xc3\xa9");
}

// The same rules over HTTP/2: the response fields are lower-cased frames, Server is gone.
TEST(HeaderRulesHttp2Test, ResponseRulesApplyToStreams) {
  DemoBackend backend;
  TempDir logs("relay7-header-rules-h2");
  Relay7Process relay([&](uint16_t port) {
    Json config = rules_config(backend, logs);
    config["servers"][0]["listen"] =
        Json::array({{{"address", loopback_address(port)}, {"h2c", true}}});
    return config;
  });
  for (const std::string path : {"/page", "/admin"}) {
    ChildProcess nghttp(
        {"/usr/bin/nghttp", "-v", "http://127.0.0.1:" + std::to_string(relay.port()) + path});
    ASSERT_EQ(nghttp.wait_exit(30s), 0) << nghttp.stderr_text();
    const std::string out = nghttp.stdout_text();
    EXPECT_NE(out.find("x-frame-options: DENY"), std::string::npos) << path << out;
    EXPECT_NE(out.find("x-request-id: "), std::string::npos) << path << out;
    EXPECT_EQ(out.find("server: "), std::string::npos) << path << out;
  }
}

}  // namespace
}  // namespace relay7::testing
