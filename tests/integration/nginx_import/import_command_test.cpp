// `relay7 import-nginx` as a user runs it: what goes to stdout and stderr, the output file, and
// the exit status (relay7(8), IMPORTING FROM NGINX).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "support/child_process.h"
#include "support/nginx_tutorial.h"
#include "support/paths.h"
#include "support/temp_dir.h"

namespace relay7::testing {
namespace {

constexpr std::chrono::seconds kExitWait{30};

struct CommandResult {
  int exit_code = -1;  // -1: did not exit normally in time
  std::string out;
  std::string err;
};

class ImportCommandTest : public ::testing::Test {
 protected:
  static std::string seed(const std::string& name) { return nginx_tutorial_config(name); }
  static std::string fixed(const std::string& text) { return fix_tutorial_typos(text); }

  // Runs relay7 with `args` from the test's directory, so that relative names stay as a user
  // would type them ("nginx.conf", not a temporary path).
  CommandResult run(const std::vector<std::string>& args) {
    std::string command = "cd '" + dir_.path().string() + "' && exec '" + relay7_binary() + "'";
    for (const std::string& arg : args) {
      command += " '" + arg + "'";
    }
    ChildProcess process({"/bin/sh", "-c", command});
    const std::optional<int> status = process.wait_exit(kExitWait);
    CommandResult result;
    if (status && WIFEXITED(*status)) {
      result.exit_code = WEXITSTATUS(*status);
    }
    result.out = process.stdout_text();
    result.err = process.stderr_text();
    return result;
  }

  void write(const std::string& name, const std::string& text) {
    write_file(dir_.file(name), text);
  }
  std::string file(const std::string& name) const { return dir_.file(name).string(); }

  TempDir dir_{"relay7-import-cmd"};
};

TEST_F(ImportCommandTest, ReportsTheTutorialsTypoAsNginxConfLine12AndWritesNothing) {
  write("nginx.conf", seed("round-robin"));
  const CommandResult result = run({"import-nginx", "nginx.conf", "-o", "relay7.json"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("relay7: nginx.conf:12: unknown directive \"listen:\" (did you mean "
                            "\"listen\"?)\n"),
            std::string::npos)
      << result.err;
  EXPECT_TRUE(result.err.ends_with("relay7: nginx.conf not imported: 1 error\n")) << result.err;
  EXPECT_FALSE(std::filesystem::exists(file("relay7.json")));
}

TEST_F(ImportCommandTest, WritesTheConfigToStandardOutputAndMessagesToStandardError) {
  write("nginx.conf", fixed(seed("round-robin")));
  const CommandResult result = run({"import-nginx", "nginx.conf"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, read_file(source_dir() + "/etc/examples/round-robin.json"));
  EXPECT_NE(result.err.find("relay7: nginx.conf: notice: worker_processes is not set"),
            std::string::npos);
  EXPECT_TRUE(
      result.err.ends_with("relay7: nginx.conf imported into standard output (0 "
                           "warnings, 9 notices)\n"))
      << result.err;
}

// The file passes `relay7 -t`, the check import-nginx ran itself.
TEST_F(ImportCommandTest, WritesAFileThatPassesTheConfigTest) {
  write("nginx.conf", fixed(seed("block-admin")));
  const CommandResult result = run({"import-nginx", "--output=relay7.json", "nginx.conf"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("relay7: nginx.conf:29: warning: nginx sends \"/summary/x\""),
            std::string::npos);
  const CommandResult test = run({"-t", "-c", "relay7.json"});
  EXPECT_EQ(test.exit_code, 0) << test.err;
  EXPECT_EQ(test.out, "relay7: configuration file relay7.json test is successful\n");
}

// Behind an L4 balancer: the PROXY protocol listen, its backlog and the trusted proxies come
// through as relay7 keys that pass the check, and relay7 -T shows them.
TEST_F(ImportCommandTest, CarriesProxyProtocolBacklogAndTrustedProxiesOver) {
  write("nginx.conf",
        "events {}\nhttp {\n"
        "  set_real_ip_from 10.0.0.0/8;\n  real_ip_header X-Forwarded-For;\n"
        "  real_ip_recursive on;\n"
        "  server {\n    listen 127.0.0.1:18081 proxy_protocol backlog=2048;\n"
        "    location / { return 204; }\n  }\n}\n");
  const CommandResult result = run({"import-nginx", "--output=relay7.json", "nginx.conf"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const CommandResult dump = run({"-T", "-c", "relay7.json"});
  EXPECT_EQ(dump.exit_code, 0) << dump.err;
  EXPECT_NE(dump.out.find(R"("proxy_protocol": true)"), std::string::npos) << dump.out;
  EXPECT_NE(dump.out.find(R"("backlog": 2048)"), std::string::npos) << dump.out;
  EXPECT_NE(dump.out.find(R"("10.0.0.0/8")"), std::string::npos) << dump.out;
  EXPECT_NE(result.err.find("PROXY header's source"), std::string::npos) << result.err;
}

TEST_F(ImportCommandTest, LeavesAnExistingOutputAloneWhenTheImportFails) {
  write("nginx.conf", seed("block-admin"));
  write("relay7.json", "{\"kept\": true}\n");
  const CommandResult result = run({"import-nginx", "nginx.conf", "-o", "relay7.json"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(read_file(file("relay7.json")), "{\"kept\": true}\n");
  EXPECT_NE(result.err.find("relay7: nginx.conf:37: unknown directive \"retirn\" (did you mean "
                            "\"return\"?)\n"),
            std::string::npos);
}

TEST_F(ImportCommandTest, PartialWritesWhatWasTranslatedAndStillFails) {
  write("nginx.conf",
        "events {}\nhttp {\n  server {\n    listen 8080;\n"
        "    location / { return 204; }\n    location ~ \\.php$ { return 403; }\n"
        "  }\n}\n");
  const CommandResult result = run({"import-nginx", "nginx.conf", "--partial", "-o", "out.json"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("relay7: nginx.conf:6: not translated: location ~ \\.php$"),
            std::string::npos);
  EXPECT_TRUE(
      result.err.ends_with("relay7: nginx.conf not imported: 1 error; what was translated "
                           "is in out.json\n"))
      << result.err;
  EXPECT_NE(read_file(file("out.json")).find("{\"path\": \"/\", \"return\": 204}"),
            std::string::npos);
}

TEST_F(ImportCommandTest, FileAndUsageErrorsExitWith2) {
  CommandResult result = run({"import-nginx", "missing.conf"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "relay7: missing.conf: cannot read: No such file or directory\n");
  write("nginx.conf", "events {}\nhttp {\n  include conf.d/app.conf;\n}\n");
  result = run({"import-nginx", "nginx.conf"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "relay7: nginx.conf:3: cannot read \"conf.d/app.conf\": No such file or "
            "directory\n");
  write("nginx.conf", fixed(seed("round-robin")));
  result = run({"import-nginx", "nginx.conf", "-o", "no/such/dir/relay7.json"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("relay7: no/such/dir/relay7.json: cannot create"), std::string::npos)
      << result.err;
  result = run({"import-nginx"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "relay7: import-nginx needs the nginx config file to read (try \"relay7 "
            "import-nginx --help\")\n");
  result = run({"import-nginx", "--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("Usage: relay7 import-nginx FILE [-o OUT] [--partial]"),
            std::string::npos);
}

TEST_F(ImportCommandTest, ASyntaxErrorExitsWith1AndWritesNothingEvenWithPartial) {
  write("nginx.conf", "events {}\nhttp {\n  server { listen 80 }\n}\n");
  const CommandResult result = run({"import-nginx", "nginx.conf", "--partial", "-o", "out.json"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err,
            "relay7: nginx.conf:3: unexpected \"}\"\nrelay7: nginx.conf not "
            "imported: 1 error\n");
  EXPECT_FALSE(std::filesystem::exists(file("out.json")));
}

}  // namespace
}  // namespace relay7::testing
