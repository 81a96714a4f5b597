// The main and events blocks, and what every directive goes through: unknown names, names in the
// wrong block, the number of arguments, directives dropped or not translated.
#include <gtest/gtest.h>

#include "import_test_util.h"
#include "support/nginx_tutorial.h"

namespace relay7::nginx_import::testing {
namespace {

using Json = nlohmann::ordered_json;
using Lines = std::vector<std::string>;

// The tutorial's own typos are reported as nginx reports them, with the line, and a suggestion.
TEST(NginxImportMainTest, ReportsTheTutorialsTyposWithTheirLines) {
  const ImportRun round_robin(relay7::testing::nginx_tutorial_config("round-robin"));
  EXPECT_EQ(round_robin.errors(),
            Lines{"nginx.conf:12: unknown directive \"listen:\" (did you mean \"listen\"?)"});
  EXPECT_FALSE(round_robin.result().translated);
  const ImportRun block_admin(relay7::testing::nginx_tutorial_config("block-admin"));
  EXPECT_EQ(block_admin.errors(),
            (Lines{"nginx.conf:22: unknown directive \"listen:\" (did you mean \"listen\"?)",
                   "nginx.conf:37: unknown directive \"retirn\" (did you mean \"return\"?)"}));
}

TEST(NginxImportMainTest, NeverGuessesAnUnknownDirective) {
  const ImportRun run(server_config("frobnicate on;\nlocation / { proxy_pass http://app; }\n"));
  EXPECT_EQ(run.errors(), Lines{"nginx.conf:6: unknown directive \"frobnicate\""});
  EXPECT_FALSE(run.result().ok());
}

TEST(NginxImportMainTest, TranslatesTheMainBlock) {
  const ImportRun run(
      "user root root;\nworker_processes 3;\npid /run/x.pid;\n"
      "error_log /var/log/x.log warn;\nworker_shutdown_timeout 1m;\n"
      "events { worker_connections 2048; }\n" +
      http_block("server { listen 8080; location / { return 204; } }\n"));
  EXPECT_EQ(run.errors(), Lines{});
  const Json json = run.json();
  EXPECT_EQ(json["workers"], 3);
  EXPECT_EQ(json["worker_connections"], 2048);
  EXPECT_EQ(json["pid_file"], "/run/x.pid");
  EXPECT_EQ(json["shutdown_timeout"], "1m");
  EXPECT_EQ(json["user"], "root");
  EXPECT_EQ(json["group"], "root");
  EXPECT_EQ(json["error_log"], (Json{{"path", "/var/log/x.log"}, {"level", "warn"}}));
  EXPECT_TRUE(run.result().ok());
}

// nginx's group defaults to the group named like the user, so the translation says so.
TEST(NginxImportMainTest, GivesTheUserItsNamesakeGroupAsNginxDoes) {
  const ImportRun run("user root;\nevents {}\n" +
                      http_block("server { listen 8080; location / { return 204; } }\n"));
  EXPECT_EQ(run.json()["group"], "root");
}

TEST(NginxImportMainTest, AUserThatDoesNotExistFailsTheCheckAtItsLine) {
  const ImportRun run("user relay7-no-such-user;\n" +
                      http_config("server { listen 8080; location / { return 204; } }\n"));
  EXPECT_TRUE(run.result().translated);
  EXPECT_FALSE(run.result().check_passed);
  EXPECT_EQ(run.errors(),
            Lines{"nginx.conf:1: fails the check: user: no such user \"relay7-no-such-user\""});
}

TEST(NginxImportMainTest, MapsErrorLogLevelsAndWarnsWhereRelay7HasNoSuchLevel) {
  const ImportRun run("error_log stderr notice;\n" +
                      http_config("server { listen 8080; location / { return 204; } }\n"));
  EXPECT_EQ(run.json()["error_log"], (Json{{"path", "stderr"}, {"level", "info"}}));
  EXPECT_TRUE(
      any_contains(run.warnings(), "nginx.conf:1: warning: relay7 has no level \"notice\""));
  // Without a level nginx logs at "error".
  const ImportRun plain("error_log /var/log/e.log;\n" +
                        http_config("server { listen 8080; location / { return 204; } }\n"));
  EXPECT_EQ(plain.json()["error_log"]["level"], "error");
}

TEST(NginxImportMainTest, RefusesWhatRelay7CannotLogTo) {
  const ImportRun run(
      "error_log syslog:server=unix:/dev/log;\nerror_log /a.log;\nerror_log /b.log;\n" +
      http_config("error_log /c.log;\nserver { listen 8080; location / { return "
                  "204; } }\n"));
  EXPECT_EQ(run.errors(),
            (Lines{"nginx.conf:1: not translated: error_log syslog:server=unix:/dev/log (relay7 "
                   "logs to stderr or a file only)",
                   "nginx.conf:3: not translated: error_log /b.log (relay7 writes one error log; "
                   "the first error_log, line 2, is translated)",
                   "nginx.conf:6: not translated: error_log /c.log (relay7 writes one error log "
                   "for the whole instance: set it in the main block)"}));
}

TEST(NginxImportMainTest, ResolvesRelativePathsFromTheConfigsFolderWithAWarning) {
  const ImportRun run("pid logs/nginx.pid;\n" +
                      http_config("server { listen 8080; location / { return 204; } }\n"));
  EXPECT_EQ(run.json()["pid_file"], run.dir() + "/logs/nginx.pid");
  EXPECT_TRUE(any_contains(run.warnings(), "\"logs/nginx.pid\" is relative"));
}

TEST(NginxImportMainTest, ChecksValuesArgumentCountsAndBlocks) {
  const ImportRun run(
      "worker_processes many;\nworker_processes;\nevents { worker_connections 0; }\n"
      "pid /a /b;\nhttp { server { listen 8080; location / { return 204; } } }\n"
      "user { }\n");
  EXPECT_EQ(run.errors(),
            (Lines{"nginx.conf:1: invalid value \"many\" in \"worker_processes\" directive "
                   "(expected a number or \"auto\")",
                   "nginx.conf:2: invalid number of arguments in \"worker_processes\" directive",
                   "nginx.conf:3: invalid value \"0\" in \"worker_connections\" directive "
                   "(expected a number of connections)",
                   "nginx.conf:4: invalid number of arguments in \"pid\" directive",
                   "nginx.conf:6: directive \"user\" is not terminated by \";\""}));
}

TEST(NginxImportMainTest, RefusesADirectiveOutsideItsBlock) {
  const ImportRun run(
      "listen 80;\nevents {}\nhttp { proxy_pass http://a; "
      "server { listen 8080; location / { return 204; } } }\n");
  EXPECT_EQ(run.errors(), (Lines{"nginx.conf:1: \"listen\" directive is not allowed here",
                                 "nginx.conf:3: \"proxy_pass\" directive is not allowed here"}));
}

TEST(NginxImportMainTest, NamesWhatIsNotTranslatedAndWhy) {
  const ImportRun run("load_module modules/x.so;\nevents { multi_accept on; }\n" +
                      http_block("gzip on;\nssl_stapling on;\nserver { listen 8080; "
                                 "location / { return 204; } }\n"));
  EXPECT_EQ(run.errors(),
            (Lines{"nginx.conf:1: not translated: load_module modules/x.so (relay7 has no dynamic "
                   "modules: drop it, with the directives of that module)",
                   "nginx.conf:2: not translated: multi_accept on (relay7 has no equivalent: keep "
                   "this part on nginx, or drop it)",
                   "nginx.conf:4: not translated: gzip on (relay7 does not compress responses: "
                   "let the backends compress)",
                   "nginx.conf:5: not translated: ssl_stapling on (relay7 has no such TLS "
                   "setting: relay7.json(5), TLS, lists what it has)"}));
}

TEST(NginxImportMainTest, DropsWhatHasNoEffectInRelay7WithAWarning) {
  const ImportRun run("daemon off;\nmaster_process on;\nevents { use epoll; }\n" +
                      http_block("sendfile on;\ntcp_nopush on;\ntcp_nodelay on;\n"
                                 "types { text/html html; }\ndefault_type text/plain;\n"
                                 "server_tokens off;\nserver { listen 8080; location / { return "
                                 "204; } }\n"));
  EXPECT_EQ(run.errors(), Lines{});
  EXPECT_EQ(run.warnings(),
            (Lines{"nginx.conf:1: warning: daemon off: dropped, relay7 never detaches from its "
                   "terminal; run it under a service manager",
                   "nginx.conf:2: warning: master_process on: dropped, relay7 always runs a "
                   "master process and workers",
                   "nginx.conf:3: warning: use epoll: dropped, relay7 uses the best event method "
                   "of the system (epoll on Linux)",
                   "nginx.conf:5: warning: sendfile on: dropped, relay7 serves no files",
                   "nginx.conf:6: warning: tcp_nopush on: dropped, it works with sendfile, and "
                   "relay7 serves no files",
                   "nginx.conf:7: warning: tcp_nodelay on: dropped, relay7 always sets "
                   "TCP_NODELAY",
                   "nginx.conf:8: warning: types: dropped, MIME types are for files, and relay7 "
                   "serves no files",
                   "nginx.conf:9: warning: default_type text/plain: dropped, MIME types are for "
                   "files, and relay7 serves no files",
                   "nginx.conf:10: warning: server_tokens off: dropped, relay7 never sends its "
                   "version (\"Server: relay7\" on the responses it makes itself)"}));
  const ImportRun daemon("daemon on;\n" +
                         http_config("server { listen 8080; location / { return 204; } }\n"));
  EXPECT_EQ(daemon.errors(),
            Lines{"nginx.conf:1: not translated: daemon on (relay7 never detaches from its "
                  "terminal; run it under a service manager)"});
}

TEST(NginxImportMainTest, NeedsTheBlocksNginxNeeds) {
  const ImportRun run("http { server { listen 8080; location / { return 204; } } }\nhttp { }\n");
  EXPECT_EQ(run.errors(), (Lines{"nginx.conf: no \"events\" section in configuration",
                                 "nginx.conf:2: \"http\" directive is duplicate"}));
  const ImportRun twice("events {}\n" +
                        http_config("server { listen 8080; location / { return 204; } }\n"));
  // http_config() brings the second events block.
  EXPECT_EQ(twice.errors(), Lines{"nginx.conf:2: \"events\" directive is duplicate"});
  const ImportRun empty("events {}\n");
  EXPECT_TRUE(any_contains(empty.errors(), "nginx.conf: no \"http\" block"));
}

// Where the file leaves nginx's default and relay7's differs, relay7's is kept and said so.
TEST(NginxImportMainTest, NamesTheDefaultsThatDifferFromNginxs) {
  const ImportRun run(http_config("server { listen 8080; location / { return 204; } }\n"));
  const Lines notices = run.notices();
  EXPECT_TRUE(any_contains(notices,
                           "nginx.conf: notice: worker_processes is not set: nginx runs "
                           "1 worker, relay7 one per CPU"));
  EXPECT_TRUE(any_contains(notices, "nginx.conf: notice: user is not set"));
  EXPECT_TRUE(any_contains(notices, "nginx.conf: notice: error_log is not set"));
  EXPECT_TRUE(any_contains(notices,
                           "nginx.conf:1: notice: worker_connections is not set: nginx "
                           "serves 512 connections per worker, relay7 10000"));
  EXPECT_TRUE(any_contains(notices, "nginx.conf:2: notice: access_log is not set"));
  EXPECT_TRUE(any_contains(notices,
                           "nginx.conf:3: notice: client_max_body_size is not set: nginx "
                           "refuses request bodies over 1m (413), relay7 over 64m"));
  EXPECT_TRUE(run.result().ok());
  const ImportRun set(
      "worker_processes auto;\nuser root;\nerror_log stderr;\n"
      "events { worker_connections 10; }\n" +
      http_block("access_log off;\nclient_max_body_size 64m;\nserver { listen "
                 "8080; location / { return 204; } }\n"));
  EXPECT_EQ(set.notices(), Lines{});
}

}  // namespace
}  // namespace relay7::nginx_import::testing
