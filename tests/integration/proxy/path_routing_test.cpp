// etc/examples/path-routing.json against four real backends: /summary and /user-data go to
// their own groups with the location prefix replaced by "/", everything else to all four.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "support/backend_json.h"
#include "support/example_backends.h"
#include "support/http_connection.h"
#include "support/relay7_process.h"

namespace {

using relay7::testing::ExampleBackends;
using relay7::testing::HttpResponse;
using relay7::testing::parse_echo;
using relay7::testing::Relay7Process;

// Backend indexes (2222, 3333, 4444, 5555) of each upstream group in the example.
const std::set<size_t> kSummaryGroup = {0, 1};
const std::set<size_t> kUserDataGroup = {2, 3};
const std::set<size_t> kAllGroup = {0, 1, 2, 3};

nlohmann::json path_routing_config(const ExampleBackends& backends) {
  nlohmann::json config = backends.rewrite(relay7::testing::load_example("path-routing.json"));
  // One worker, so consecutive requests to a group rotate over all of its servers.
  config["workers"] = 1;
  return config;
}

struct Landing {
  size_t backend = ExampleBackends::kCount;  // kCount: no backend answered
  std::string uri;                           // as the backend received it
};

class PathRoutingExampleTest : public ::testing::Test {
 protected:
  PathRoutingExampleTest() : relay_(path_routing_config(backends_)) {}

  Landing send(const std::string& target) {
    const HttpResponse response = relay7::testing::http_get(relay_.port(), target);
    EXPECT_EQ(response.status, 200) << target << ": " << response.reason;
    const nlohmann::json echo = parse_echo(response);
    if (response.status != 200 || echo.is_discarded())
      return {};
    return {backends_.index_of(echo["port"].get<uint16_t>()), echo["uri"].get<std::string>()};
  }

  // Sends `target` once per server of `group` (a whole rotation): every request must arrive as
  // `expected_uri` and each server of the group must get exactly one.
  void expect_routed(const std::string& target, const std::set<size_t>& group,
                     const std::string& expected_uri) {
    std::multiset<size_t> landed;
    for (size_t i = 0; i < group.size(); ++i) {
      const Landing landing = send(target);
      EXPECT_EQ(landing.uri, expected_uri) << target;
      landed.insert(landing.backend);
    }
    EXPECT_EQ(landed, std::multiset<size_t>(group.begin(), group.end())) << target;
  }

  ExampleBackends backends_;
  Relay7Process relay_;
};

TEST_F(PathRoutingExampleTest, SendsSummaryToItsGroupWithoutThePrefix) {
  expect_routed("/summary/report?day=1", kSummaryGroup, "/report?day=1");
  expect_routed("/summary", kSummaryGroup, "/");
  expect_routed("/summary/", kSummaryGroup, "/");
  expect_routed("/summary?day=2", kSummaryGroup, "/?day=2");
  expect_routed("/summary/a/b/c", kSummaryGroup, "/a/b/c");
}

TEST_F(PathRoutingExampleTest, SendsUserDataToItsGroupWithoutThePrefix) {
  expect_routed("/user-data/profile?id=7", kUserDataGroup, "/profile?id=7");
  expect_routed("/user-data", kUserDataGroup, "/");
  expect_routed("/user-data/a/b", kUserDataGroup, "/a/b");
}

TEST_F(PathRoutingExampleTest, SendsOtherPathsToTheDefaultGroupUnchanged) {
  expect_routed("/", kAllGroup, "/");
  expect_routed("/other/page?x=1", kAllGroup, "/other/page?x=1");
  expect_routed("/user", kAllGroup, "/user");
  expect_routed("/Summary/report", kAllGroup, "/Summary/report");
}

TEST_F(PathRoutingExampleTest, MatchesPrefixesAsStringsLikeNginx) {
  // Documented in relay7.json(5): "/summaryx" is under "/summary" and goes up as "/x".
  expect_routed("/summaryx", kSummaryGroup, "/x");
}

TEST_F(PathRoutingExampleTest, RoutesOnTheNormalisedPath) {
  expect_routed("//summary//report", kSummaryGroup, "/report");
  expect_routed("/x/../summary/%72eport", kSummaryGroup, "/report");
  expect_routed("/user-data/./a", kUserDataGroup, "/a");
}

TEST_F(PathRoutingExampleTest, NeverSendsAGroupsRequestsElsewhere) {
  for (int i = 0; i < 4; ++i) {
    send("/summary/s" + std::to_string(i));
    send("/user-data/u" + std::to_string(i));
  }
  const std::vector<std::vector<std::string>> requests = backends_.requests();
  const std::vector<std::string> summary = {"/s0", "/s2"};
  const std::vector<std::string> summary_odd = {"/s1", "/s3"};
  const std::vector<std::string> user_data = {"/u0", "/u2"};
  const std::vector<std::string> user_data_odd = {"/u1", "/u3"};
  EXPECT_EQ(requests[0], summary);
  EXPECT_EQ(requests[1], summary_odd);
  EXPECT_EQ(requests[2], user_data);
  EXPECT_EQ(requests[3], user_data_odd);
}

}  // namespace
