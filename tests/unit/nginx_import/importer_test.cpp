// The whole import: the tutorial's configs, includes, and how messages are ordered and traced.
#include "relay7/nginx_import/importer.h"

#include <gtest/gtest.h>

#include "import_test_util.h"
#include "support/nginx_tutorial.h"

namespace relay7::nginx_import::testing {
namespace {

using Json = nlohmann::ordered_json;
using Lines = std::vector<std::string>;

std::string source_file(const std::string& relative) {
  return relay7::testing::read_file(std::string(RELAY7_SOURCE_DIR) + "/" + relative);
}

// The tutorial's config with its two typos fixed, as a reader of the tutorial would.
std::string fixed_tutorial(const std::string& name) {
  return relay7::testing::fix_tutorial_typos(relay7::testing::nginx_tutorial_config(name));
}

// The tutorial's scenarios translate to the hand-written examples of etc/examples/, byte for byte.
TEST(NginxImportTutorialTest, TranslatesEachScenarioToItsExample) {
  for (const char* name : {"round-robin", "sticky", "path-routing"}) {
    const ImportRun run(fixed_tutorial(name));
    EXPECT_EQ(run.errors(), Lines{}) << name;
    EXPECT_TRUE(run.result().ok()) << name;
    EXPECT_EQ(run.result().json, source_file("etc/examples/" + std::string(name) + ".json"))
        << name;
  }
}

// nginx's "location /admin" is case-sensitive; the example adds "ignore_case" on purpose.
TEST(NginxImportTutorialTest, TranslatesTheBlockedRouteAsNginxMatchesIt) {
  const ImportRun run(fixed_tutorial("block-admin"));
  EXPECT_TRUE(run.result().ok());
  Json example = Json::parse(source_file("etc/examples/block-admin.json"));
  example["servers"][0]["locations"][3].erase("ignore_case");
  EXPECT_EQ(run.json(), example);
}

TEST(NginxImportTutorialTest, WarnsAboutTheDoubleSlashOfTheTutorialsPrefixes) {
  const ImportRun run(fixed_tutorial("path-routing"));
  EXPECT_EQ(run.warnings(),
            (Lines{"nginx.conf:29: warning: nginx sends \"/summary/x\" upstream as \"//x\" (it "
                   "joins \"/\" and \"/x\") and \"/summary../x\" as \"/../x\"; relay7 sends "
                   "\"/x\" and refuses the second with 400",
                   "nginx.conf:33: warning: nginx sends \"/user-data/x\" upstream as \"//x\" (it "
                   "joins \"/\" and \"/x\") and \"/user-data../x\" as \"/../x\"; relay7 sends "
                   "\"/x\" and refuses the second with 400"}));
}

TEST(NginxImportTest, NamesTheIncludedFileAndItsLine) {
  const ImportRun run("events {}\nhttp {\n  include conf.d/*.conf;\n}\n",
                      {{"conf.d/app.conf",
                        "server {\n  listen 8080;\n  retirn 403;\n"
                        "  location / { return 204; }\n}\n"}});
  EXPECT_EQ(run.errors(),
            Lines{"conf.d/app.conf:3: unknown directive \"retirn\" (did you mean \"return\"?)"});
}

TEST(NginxImportTest, ListsMessagesInTheOrderOfTheirLines) {
  const ImportRun run(
      http_config("server {\nlisten 8080;\nlocation / { return 204; }\n"
                  "gzip on;\nserver_name ~x;\n}\nupstream app { }\n"));
  EXPECT_EQ(run.errors(),
            (Lines{"nginx.conf:6: not translated: gzip on (relay7 does not compress responses: "
                   "let the backends compress)",
                   "nginx.conf:7: not translated: server_name ~x (\"~x\": relay7 matches exact "
                   "names and leading wildcards (\"*.example.com\") only)",
                   "nginx.conf:9: no servers are inside upstream"}));
}

TEST(NginxImportTest, KeepsWhatWasTranslatedWhenSomethingWasNot) {
  const ImportRun run(
      server_config("location / { proxy_pass http://app/; }\n"
                    "location ~ \\.php$ { proxy_pass http://app; }\n"));
  EXPECT_FALSE(run.result().translated);
  EXPECT_TRUE(run.result().check_passed);
  EXPECT_FALSE(run.result().ok());
  EXPECT_EQ(run.json()["servers"][0]["locations"],
            Json::parse(R"([{"path": "/", "proxy_pass": "http://app/"}])"));
}

TEST(NginxImportTest, GivesNoResultForAFileItCannotParse) {
  const ImportRun run("events {}\nhttp {\n");
  EXPECT_EQ(run.errors(), Lines{"nginx.conf:2: unexpected end of file, expecting \"}\""});
  EXPECT_EQ(run.result().json, "");
  EXPECT_FALSE(run.result().file_error);
}

}  // namespace
}  // namespace relay7::nginx_import::testing
