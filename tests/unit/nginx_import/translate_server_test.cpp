#include <gtest/gtest.h>

#include "import_test_util.h"

namespace relay7::nginx_import::testing {
namespace {

using Json = nlohmann::ordered_json;
using Lines = std::vector<std::string>;

// Server blocks `servers`, each answering 204 at "/" unless it has its own locations.
ImportRun servers_run(const std::string& servers) {
  return ImportRun(http_config(servers));
}

TEST(NginxImportServerTest, TranslatesListenAddresses) {
  const ImportRun run = servers_run(
      "server {\nlisten 8080;\nlisten *:8081;\nlisten 127.0.0.1:8082;\nlisten 127.0.0.2;\n"
      "listen [::1]:8083;\nlisten [::1];\nlocation / { return 204; }\n}\n");
  EXPECT_EQ(run.errors(), Lines{});
  EXPECT_EQ(run.json()["servers"][0]["listen"],
            Json::parse(R"(["8080", "*:8081", "127.0.0.1:8082", "127.0.0.2:80", "[::1]:8083",
                           "[::1]:80"])"));
}

TEST(NginxImportServerTest, RefusesListenersRelay7CannotOpen) {
  const ImportRun run = servers_run(
      "server {\nlisten 443 quic;\nlisten 8443 http2;\nlisten 8080 backlog=0;\n"
      "listen localhost:8081;\nlisten unix:/run/x.sock;\nlisten 8082 rcvbuf=512;\n"
      "listen 8083 fast;\nlisten 8084 bind ipv6only=on;\nlocation / { return 204; }\n}\n");
  EXPECT_EQ(run.errors(),
            (Lines{"nginx.conf:4: not translated: listen 443 quic (relay7 speaks HTTP/1.1 and "
                   "HTTP/2 only: keep nginx in front for HTTP/3)",
                   "nginx.conf:5: not translated: listen 8443 http2 (cleartext HTTP/2 is a listen "
                   "object in relay7: write {\"address\": \"8443\", \"h2c\": true} "
                   "(relay7.json(5), HTTP/2))",
                   "nginx.conf:6: not translated: listen 8080 backlog=0 (\"backlog=0\": relay7 "
                   "takes a backlog of 1..65535 (the kernel caps it at net.core.somaxconn "
                   "anyway))",
                   "nginx.conf:7: not translated: listen localhost:8081 (relay7 listens on numeric "
                   "addresses only, so that a bind never depends on DNS: write the address the "
                   "name stands for)",
                   "nginx.conf:8: not translated: listen unix:/run/x.sock (relay7 listens on TCP "
                   "addresses only)",
                   "nginx.conf:9: not translated: listen 8082 rcvbuf=512 (relay7 has no socket "
                   "options for its listening sockets)",
                   "nginx.conf:10: invalid parameter \"fast\""}));
  EXPECT_EQ(run.warnings(),
            (Lines{"nginx.conf:11: warning: \"bind\" dropped: relay7 binds every listen address "
                   "by itself",
                   "nginx.conf:11: warning: \"ipv6only=on\" dropped: relay7 always sets "
                   "IPV6_V6ONLY"}));
  EXPECT_EQ(run.json()["servers"][0]["listen"], Json::parse(R"(["8084"])"));
}

// proxy_protocol applies to the address when any block's listen says it, as in nginx, and the
// backlog comes from the listen that sets it: every block on the address gets both.
TEST(NginxImportServerTest, TranslatesProxyProtocolAndBacklogPerAddress) {
  const ImportRun run = servers_run(
      "server {\nlisten 127.0.0.1:8080 proxy_protocol backlog=1024;\nlisten 8081;\n"
      "server_name a.example;\nlocation / { return 204; }\n}\n"
      "server {\nlisten 127.0.0.1:8080;\nserver_name b.example;\n"
      "location / { return 204; }\n}\n");
  EXPECT_EQ(run.errors(), Lines{});
  const Json expected =
      Json::parse(R"({"address": "127.0.0.1:8080", "proxy_protocol": true, "backlog": 1024})");
  EXPECT_EQ(run.json()["servers"][0]["listen"][0], expected);
  EXPECT_EQ(run.json()["servers"][0]["listen"][1], "8081");
  EXPECT_EQ(run.json()["servers"][1]["listen"][0], expected);
}

// nginx 1.25 moved HTTP/2 from a listen parameter to a directive of its own.
TEST(NginxImportServerTest, NamesLaterNginxDirectivesAsNotTranslatedNotUnknown) {
  const ImportRun run = servers_run(
      "server {\nlisten 8080;\nhttp2 on;\nquic_retry on;\nlocation / { return 204; }\n}\n");
  EXPECT_EQ(run.errors(),
            (Lines{"nginx.conf:5: not translated: http2 on (relay7 offers HTTP/2 on every TLS "
                   "block unless the block says \"http2\": false; cleartext HTTP/2 is a listen "
                   "object with \"h2c\": true (relay7.json(5), HTTP/2))",
                   "nginx.conf:6: not translated: quic_retry on (relay7 speaks HTTP/1.1 and "
                   "HTTP/2 only: keep nginx in front for HTTP/3)"}));
}

TEST(NginxImportServerTest, ListensOnPort80WithoutListenAsNginxDoes) {
  const ImportRun run = servers_run("server { location / { return 204; } }\n");
  EXPECT_EQ(run.json()["servers"][0]["listen"], Json::parse(R"(["80"])"));
  EXPECT_TRUE(any_contains(run.notices(),
                           "nginx.conf:3: notice: no listen: nginx listens on "
                           "*:80"));
}

TEST(NginxImportServerTest, TranslatesServerNames) {
  const ImportRun run = servers_run(
      "server {\nlisten 8080;\nserver_name example.com *.example.org .example.net \"\" _;\n"
      "location / { return 204; }\n}\n");
  EXPECT_EQ(run.errors(), Lines{});
  EXPECT_EQ(run.json()["servers"][0]["server_names"],
            Json::parse(R"(["example.com", "*.example.org", "example.net", "*.example.net"])"));
  EXPECT_EQ(run.warnings().size(), 2u);
  const ImportRun refused = servers_run(
      "server {\nlisten 8080;\nserver_name ~^www\\d+$ www.example.* $hostname;\n"
      "location / { return 204; }\n}\n");
  EXPECT_EQ(refused.errors().size(), 3u);
  EXPECT_TRUE(any_contains(refused.errors(), "nginx.conf:5: not translated: server_name "));
}

TEST(NginxImportServerTest, PutsTheDefaultServerFirstOnItsAddress) {
  const ImportRun run = servers_run(
      "server { listen 8080; server_name a.example; location / { return 201; } }\n"
      "server { listen 8080 default_server; server_name b.example; location / { return 202; } "
      "}\n");
  EXPECT_EQ(run.errors(), Lines{});
  const Json servers = run.json()["servers"];
  EXPECT_EQ(servers[0]["server_names"], Json::parse(R"(["b.example"])"));
  EXPECT_EQ(servers[1]["server_names"], Json::parse(R"(["a.example"])"));
}

TEST(NginxImportServerTest, RefusesADefaultServerThatCannotComeFirstEverywhere) {
  const ImportRun run = servers_run(
      "server { listen 8080; listen 8081 default_server; server_name a.example;\n"
      "  location / { return 201; } }\n"
      "server { listen 8080 default_server; listen 8081; server_name b.example;\n"
      "  location / { return 202; } }\n");
  EXPECT_EQ(run.errors().size(), 1u);
  EXPECT_TRUE(any_contains(run.errors(),
                           "not translated: default_server (relay7's default server "
                           "of an address is the first block listening on it"));
}

TEST(NginxImportServerTest, AServerLevelReturnAnswersEveryRequest) {
  const ImportRun run = servers_run(
      "server {\nlisten 8080;\nreturn 301 https://example.com/;\nlocation /x { return 204; }\n}\n");
  EXPECT_EQ(run.errors(), Lines{});
  EXPECT_EQ(run.json()["servers"][0]["locations"],
            Json::parse(R"([{"path": "/", "return": {"status": 301,
                                                     "location": "https://example.com/"}}])"));
  EXPECT_TRUE(any_contains(run.warnings(),
                           "nginx.conf:5: warning: the locations of this server "
                           "are dropped"));
}

TEST(NginxImportServerTest, RefusesAServerThatServesFiles) {
  const ImportRun run = servers_run("server {\nlisten 8080;\nroot /var/www;\n}\n");
  EXPECT_EQ(run.errors(),
            (Lines{"nginx.conf:3: not translated: server (without a location nginx serves files "
                   "from the server's root, and relay7 serves no files: add a location with "
                   "proxy_pass or return)",
                   "nginx.conf:3: fails the check: servers[0].locations: at least one location is "
                   "required",
                   "nginx.conf:5: not translated: root /var/www (relay7 serves no files: serve "
                   "them from a backend)"}));
}

TEST(NginxImportServerTest, AConflictRelay7RefusesFailsTheCheckAtTheListenLine) {
  const ImportRun run = servers_run(
      "server { listen 8080; location / { return 201; } }\n"
      "server {\nlisten 127.0.0.1:8080;\nlocation / { return 202; }\n}\n");
  EXPECT_TRUE(run.result().translated);
  EXPECT_FALSE(run.result().check_passed);
  ASSERT_EQ(run.errors().size(), 1u);
  EXPECT_TRUE(run.errors()[0].starts_with("nginx.conf:5: fails the check: servers[1].listen[0]: "))
      << run.errors()[0];
}

}  // namespace
}  // namespace relay7::nginx_import::testing
