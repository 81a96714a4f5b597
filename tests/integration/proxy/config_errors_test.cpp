// `relay7 -t -c FILE`: every shipped config passes, and broken ones fail with exit status 1 and
// exactly the messages relay7.json(5) promises: file, JSON path, problem and likely fix.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "support/child_process.h"
#include "support/paths.h"
#include "support/temp_dir.h"

namespace {

using relay7::testing::ChildProcess;
using std::chrono::milliseconds;

constexpr milliseconds kExitWait{10000};

struct CheckResult {
  int exit_code = -1;  // -1: did not exit normally in time
  std::string out;
  std::string err;
};

CheckResult check_config(const std::string& path) {
  ChildProcess process({relay7::testing::relay7_binary(), "-t", "-c", path});
  const std::optional<int> status = process.wait_exit(kExitWait);
  CheckResult result;
  if (status && WIFEXITED(*status))
    result.exit_code = WEXITSTATUS(*status);
  result.out = process.stdout_text();
  result.err = process.stderr_text();
  return result;
}

// What relay7 prints for a refused file: each message, then the verdict.
std::string refusal(const std::string& path, const std::vector<std::string>& messages) {
  std::string text;
  for (const std::string& message : messages)
    text += "relay7: " + message + "\n";
  return text + "relay7: configuration file " + path + " test failed\n";
}

class ConfigCheckTest : public ::testing::Test {
 protected:
  // Writes `text` as a config file and checks it.
  CheckResult check_text(const std::string& text) {
    relay7::testing::write_file(path_, text);
    return check_config(path_);
  }

  // Runs the check and expects a refusal with exactly `messages` (each without the file name).
  void expect_refused(const std::string& text, const std::vector<std::string>& messages) {
    std::vector<std::string> full;
    for (const std::string& message : messages)
      full.push_back(path_ + ": " + message);
    const CheckResult result = check_text(text);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.err, refusal(path_, full));
    EXPECT_EQ(result.out, "");
  }

  relay7::testing::TempDir dir_;
  const std::string path_ = dir_.file("relay7.json").string();
};

TEST_F(ConfigCheckTest, NamesTheMistypedReturnAndSuggestsTheFix) {
  expect_refused(R"({"servers": [{"listen": ["80"], "locations": [
                      {"path": "/", "return": 200},
                      {"path": "/admin", "retirn": 403}]}]})",
                 {R"(servers[0].locations[1]: unknown key "retirn" (did you mean "return"?))",
                  R"(servers[0].locations[1]: needs "proxy_pass", "return" or "serve")"});
}

TEST_F(ConfigCheckTest, RefusesAnUpstreamWithoutServers) {
  expect_refused(R"({"upstreams": {"summaryinstances": {"servers": []}},
                     "servers": [{"listen": ["80"], "locations": [
                       {"path": "/", "proxy_pass": "http://summaryinstances/"}]}]})",
                 {"upstreams.summaryinstances: no servers"});
}

TEST_F(ConfigCheckTest, GivesTheLineAndColumnOfASyntaxError) {
  const std::string text =
      "{\n"
      "  \"servers\": [\n"
      "    {\"listen\": [\"80\"] \"locations\": []}\n"
      "  ]\n"
      "}\n";
  const CheckResult result = check_text(text);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(
      result.err,
      refusal(path_, {path_ + ":3:33: syntax error: unexpected string literal; expected '}'"}));
}

TEST_F(ConfigCheckTest, RefusesTheTutorialsListenWithASemicolon) {
  expect_refused(
      R"({"servers": [{"listen": ["80;"], "locations": [{"path": "/", "return": 200}]}]})",
      {R"(servers[0].listen[0]: "80;" is not a port)"});
}

TEST_F(ConfigCheckTest, RefusesTheTutorialsListenColonKey) {
  expect_refused(
      R"({"servers": [{"listen:": ["80"], "locations": [{"path": "/", "return": 200}]}]})",
      {R"(servers[0]: unknown key "listen:" (did you mean "listen"?))",
       R"(servers[0]: missing required key "listen")"});
}

TEST_F(ConfigCheckTest, SuggestsTheUpstreamThatWasMeant) {
  expect_refused(R"({"upstreams": {"summaryinstances": {"servers": ["127.0.0.1:2222"]}},
                     "servers": [{"listen": ["80"], "locations": [
                       {"path": "/", "return": 200},
                       {"path": "/summary", "proxy_pass": "http://summaryinstance/"}]}]})",
                 {R"(servers[0].locations[1].proxy_pass: upstream "summaryinstance" is not )"
                  R"(defined (did you mean "summaryinstances"?))"});
}

TEST_F(ConfigCheckTest, ReportsEveryErrorAtOnce) {
  expect_refused(
      R"({"upstreams": {"summaryinstances": {"servers": []}},
                     "servers": [{"listen": ["80;"], "locations": [
                       {"path": "/", "proxy_pass": "http://summaryinstances/"},
                       {"path": "/admin", "retirn": 403}]}]})",
      {"upstreams.summaryinstances: no servers", R"(servers[0].listen[0]: "80;" is not a port)",
       R"(servers[0].locations[1]: unknown key "retirn" (did you mean "return"?))",
       R"(servers[0].locations[1]: needs "proxy_pass", "return" or "serve")"});
}

TEST_F(ConfigCheckTest, NamesMistypedTimeoutKeys) {
  expect_refused(R"({"timeouts": {"upstream_reed": "1s"},
                     "servers": [{"listen": ["80"], "locations": [{"path": "/", "return": 200}]}]})",
                 {R"(timeouts: unknown key "upstream_reed" (did you mean "upstream_read"?))"});
}

TEST_F(ConfigCheckTest, RefusesAnEmptyFile) {
  expect_refused("\n", {"the file is empty (expected a JSON object)"});
}

TEST_F(ConfigCheckTest, RefusesAMissingFile) {
  const std::string missing = dir_.file("missing.json").string();
  const CheckResult result = check_config(missing);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, refusal(missing, {missing + ": cannot read: No such file or directory"}));
}

TEST_F(ConfigCheckTest, AcceptsAGoodConfig) {
  const CheckResult result = check_text(
      R"({"servers": [{"listen": ["80"], "locations": [{"path": "/", "return": 204}]}]})");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "relay7: configuration file " + path_ + " test is successful\n");
  EXPECT_EQ(result.err, "");
}

TEST(ShippedConfigTest, EveryExampleAndTheDefaultConfigPass) {
  const std::string root = relay7::testing::source_dir();
  for (const char* file :
       {"etc/examples/round-robin.json", "etc/examples/sticky.json",
        "etc/examples/path-routing.json", "etc/examples/block-admin.json",
        "etc/examples/resilient.json", "etc/examples/observability.json", "etc/relay7.json"}) {
    const std::string path = root + "/" + file;
    const CheckResult result = check_config(path);
    EXPECT_EQ(result.exit_code, 0) << file << "\n" << result.err;
    EXPECT_EQ(result.out, "relay7: configuration file " + path + " test is successful\n");
    EXPECT_EQ(result.err, "") << file;
  }
}

}  // namespace
