// The per-server "encoded_slashes" policy: what %2F and %5C mean for routing and what the backend
// receives, under each of keep (the default), reject and decode.
#include <gtest/gtest.h>

#include <string>

#include "support/backend_json.h"
#include "support/demo_backend.h"
#include "support/http_connection.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"

namespace relay7::testing {
namespace {

nlohmann::json config_with_policy(uint16_t backend_port, const char* policy) {
  nlohmann::json config = single_upstream_config({backend_port});
  nlohmann::json& server = config["servers"][0];
  if (policy != nullptr) {
    server["encoded_slashes"] = policy;
  }
  server["locations"].push_back({{"path", "/admin"}, {"return", 403}});
  return config;
}

class EncodedSlashesTest : public ::testing::Test {
 protected:
  // The URI the backend received for `target`, or "status N" when relay7 answered itself.
  std::string outcome(const Relay7Process& relay, const std::string& target) {
    const HttpResponse response = http_get(relay.port(), target);
    if (response.status != 200) {
      return "status " + std::to_string(response.status);
    }
    return parse_echo(response)["uri"].get<std::string>();
  }

  DemoBackend backend_;
};

TEST_F(EncodedSlashesTest, KeepPassesThemEncodedWhenDecodingThemWouldRouteTheSame) {
  Relay7Process relay(config_with_policy(backend_.port(), nullptr));
  EXPECT_EQ(outcome(relay, "/files/a%2fb"), "/files/a%2Fb");
  EXPECT_EQ(outcome(relay, "/files/a%5cb"), "/files/a%5Cb");
  EXPECT_EQ(outcome(relay, "/files/a\\b"), "/files/a%5Cb") << "a raw backslash is encoded";
  EXPECT_EQ(outcome(relay, "/files/a%2F..%2Fb"), "/files/a%2F..%2Fb") << "decoded: /files/b";
  EXPECT_EQ(outcome(relay, "/x%2F"), "/x%2F");
  // Double encoding decodes once to "%2F", which is no separator either.
  EXPECT_EQ(outcome(relay, "/%252Fadmin"), "/%252Fadmin");
  // Blocked as written, and blocked decoded: the location's own answer.
  EXPECT_EQ(outcome(relay, "/admin%2Fx"), "status 403");
  EXPECT_EQ(outcome(relay, "/admin%5Cx"), "status 403");
}

// relay7.json(5), encoded_slashes: a backend that decodes %2F or %5C would split the path where
// relay7 did not, so under the default a request whose decoded reading selects another location
// is refused. Every spelling of "/admin" behind an encoded slash must be refused, none may reach
// the backend.
TEST_F(EncodedSlashesTest, KeepRefusesThemWhenDecodingThemWouldRouteElsewhere) {
  Relay7Process relay(config_with_policy(backend_.port(), nullptr));
  for (const char* target : {"/%2Fadmin",
                             "/%2fadmin",
                             "/%5Cadmin",
                             "/%5cadmin",
                             "/\\admin",
                             "/%2F%2Fadmin",
                             "/x%2F..%2Fadmin",
                             "/x%2f..%2fadmin",
                             "/x%5C..%5Cadmin",
                             "/x\\..\\admin",
                             "/x%2F%2E%2E%2Fadmin",
                             "/x%2F%2e%2e%2Fadmin",
                             "/x/..%2Fadmin",
                             "/x%2F../admin",
                             "/x%2F.%2F..%2Fadmin",
                             "/x/y%2F..%2F..%2Fadmin",
                             "/%2e%2e%2Fadmin",
                             "/.%2Fadmin",
                             "/x%5C..%2Fadmin",
                             "/x%2F..%5Cadmin/",
                             "/x%2F..%2FADMIN%2F..%2Fadmin",
                             "/files%2F..%2F..%2Fetc"}) {
    EXPECT_EQ(outcome(relay, target), "status 400") << target;
  }
  EXPECT_TRUE(backend_.requests().empty()) << ::testing::PrintToString(backend_.requests());
}

TEST_F(EncodedSlashesTest, RejectRefusesThemWith400) {
  Relay7Process relay(config_with_policy(backend_.port(), "reject"));
  for (const char* target : {"/files/a%2fb", "/files/a%5Cb", "/x%2F..%2Fadmin"}) {
    EXPECT_EQ(outcome(relay, target), "status 400") << target;
  }
  EXPECT_EQ(outcome(relay, "/files/a%20b"), "/files/a%20b");
  EXPECT_TRUE(backend_.requests() == std::vector<std::string>{"/files/a%20b"})
      << ::testing::PrintToString(backend_.requests());
}

TEST_F(EncodedSlashesTest, DecodeMakesThemSeparatorsForRoutingAndUpstream) {
  Relay7Process relay(config_with_policy(backend_.port(), "decode"));
  EXPECT_EQ(outcome(relay, "/files/a%2fb"), "/files/a/b");
  EXPECT_EQ(outcome(relay, "/files/a%5Cb"), "/files/a/b");
  EXPECT_EQ(outcome(relay, "/x%2F..%2Fadmin"), "status 403") << "decoded, then dot-segments";
  EXPECT_EQ(outcome(relay, "/%2F..%2F..%2Fetc"), "status 400");
}

}  // namespace
}  // namespace relay7::testing
