#include <gtest/gtest.h>

#include "import_test_util.h"

namespace relay7::nginx_import::testing {
namespace {

using Json = nlohmann::ordered_json;
using Lines = std::vector<std::string>;

// An upstream "app" with `body`, proxied to from "/".
ImportRun upstream_run(const std::string& body) {
  return ImportRun(
      http_config("upstream app {\n" + body +
                  "}\nserver { listen 8080; location / { proxy_pass http://app/; } }\n"));
}

TEST(NginxImportUpstreamTest, TranslatesServersAndTheirParameters) {
  const ImportRun run = upstream_run(
      "server 127.0.0.1:2222;\n"
      "server 127.0.0.1:3333 weight=3 max_fails=2 fail_timeout=30 max_conns=0;\n"
      "server 127.0.0.1:4444 backup;\n"
      "server 127.0.0.1 down;\n"
      "server [::1]:5555;\n"
      "keepalive 16;\n");
  EXPECT_EQ(run.errors(), Lines{});
  EXPECT_EQ(run.json()["upstreams"]["app"], Json::parse(R"({"keepalive": 16, "servers": [
              "127.0.0.1:2222",
              {"address": "127.0.0.1:3333", "weight": 3, "max_fails": 2, "fail_timeout": "30s"},
              {"address": "127.0.0.1:4444", "backup": true},
              {"address": "127.0.0.1:80", "down": true},
              "[::1]:5555"]})"));
  EXPECT_TRUE(run.result().ok());
}

TEST(NginxImportUpstreamTest, TranslatesTheBalancersAndSaysHowTheyDiffer) {
  const ImportRun ip_hash = upstream_run("ip_hash;\nserver 127.0.0.1:2222;\n");
  EXPECT_EQ(ip_hash.json()["upstreams"]["app"]["balance"], "ip_hash");
  EXPECT_TRUE(any_contains(ip_hash.warnings(),
                           "nginx.conf:4: warning: relay7 hashes a client's whole address; nginx "
                           "hashes the first three octets of an IPv4 address"));
  const ImportRun least_conn = upstream_run("least_conn;\nserver 127.0.0.1:2222;\n");
  EXPECT_EQ(least_conn.json()["upstreams"]["app"]["balance"], "least_conn");
  EXPECT_TRUE(any_contains(least_conn.warnings(), "nginx counts them per worker"));
  const ImportRun zone = upstream_run("zone app 64k;\nleast_conn;\nserver 127.0.0.1:2222;\n");
  EXPECT_EQ(zone.warnings(),
            Lines{"nginx.conf:4: warning: zone app 64k: dropped, relay7 always shares upstream "
                  "state (health, least_conn counts) between its workers"});
}

TEST(NginxImportUpstreamTest, TranslatesTheHashKeysRelay7Has) {
  const ImportRun run = upstream_run("hash $cookie_session consistent;\nserver 127.0.0.1:2222;\n");
  EXPECT_EQ(run.errors(), Lines{});
  const Json upstream = run.json()["upstreams"]["app"];
  EXPECT_EQ(upstream["balance"], "hash");
  EXPECT_EQ(upstream["hash_key"], "$cookie_session");
  EXPECT_TRUE(any_contains(run.warnings(), "relay7's hash ring is not nginx's"));
  const ImportRun modulo = upstream_run("hash $binary_remote_addr;\nserver 127.0.0.1:2222;\n");
  EXPECT_EQ(modulo.json()["upstreams"]["app"]["hash_key"], "$remote_addr");
  EXPECT_TRUE(any_contains(modulo.warnings(), "without \"consistent\" nginx maps a key"));
  const ImportRun composite = upstream_run("hash $host$request_uri;\nserver 127.0.0.1:2222;\n");
  EXPECT_EQ(composite.errors(),
            Lines{"nginx.conf:4: not translated: hash $host$request_uri (relay7 hashes one of "
                  "$remote_addr, $uri, $http_NAME or $cookie_NAME, alone)"});
  const ImportRun bad = upstream_run("hash $uri sometimes;\nserver 127.0.0.1:2222;\n");
  EXPECT_EQ(bad.errors(), Lines{"nginx.conf:4: invalid parameter \"sometimes\""});
}

TEST(NginxImportUpstreamTest, RefusesWhatRelay7CannotDoWithAServer) {
  const ImportRun run = upstream_run(
      "server unix:/run/app.sock;\nserver 127.0.0.1:2222 max_conns=10;\n"
      "server 127.0.0.1:3333 slow_start=30s;\nserver 127.0.0.1:4444 weight=0;\n"
      "server 127.0.0.1:5555 heavy;\nserver 127.0.0.1:6666;\nkeepalive_timeout 30s;\n");
  EXPECT_EQ(run.errors(),
            (Lines{"nginx.conf:4: not translated: server unix:/run/app.sock (relay7 connects to "
                   "backends over TCP only)",
                   "nginx.conf:5: not translated: server 127.0.0.1:2222 max_conns=10 (relay7 does "
                   "not cap the connections to one server)",
                   "nginx.conf:6: not translated: server 127.0.0.1:3333 slow_start=30s (relay7 has "
                   "no slow_start for upstream servers; it resolves names once, at load)",
                   "nginx.conf:7: invalid value \"weight=0\" in \"server\" directive (expected a "
                   "whole number after \"weight=\")",
                   "nginx.conf:8: invalid parameter \"heavy\"",
                   "nginx.conf:10: not translated: keepalive_timeout 30s (relay7 keeps up to "
                   "keepalive idle backend connections until the backend closes them, and those "
                   "beyond it for 1 second)"}));
  // What could be translated is kept for --partial.
  EXPECT_EQ(run.json()["upstreams"]["app"]["servers"], Json::parse(R"(["127.0.0.1:6666"])"));
}

TEST(NginxImportUpstreamTest, RefusesDuplicateAndEmptyUpstreams) {
  const ImportRun run(http_config(
      "upstream app { server 127.0.0.1:2222; }\nupstream app { server 127.0.0.1:3333; }\n"
      "upstream none { }\nserver { listen 8080; location / { proxy_pass http://app; } }\n"));
  EXPECT_EQ(run.errors(), (Lines{"nginx.conf:4: duplicate upstream \"app\"",
                                 "nginx.conf:5: no servers are inside upstream"}));
}

TEST(NginxImportUpstreamTest, ALaterBalancerReplacesAnEarlierOneWithAWarning) {
  const ImportRun run = upstream_run("ip_hash;\nleast_conn;\nserver 127.0.0.1:2222;\n");
  EXPECT_EQ(run.json()["upstreams"]["app"]["balance"], "least_conn");
  EXPECT_TRUE(any_contains(run.warnings(),
                           "nginx.conf:5: warning: load balancing method "
                           "redefined (line 4)"));
}

TEST(NginxImportUpstreamTest, NamesUpstreamsWithoutKeepaliveInOneNotice) {
  const ImportRun run(
      http_config("upstream a { server 127.0.0.1:2222; }\nupstream b { server 127.0.0.1:3333; }\n"
                  "upstream c { server 127.0.0.1:4444; keepalive 8; }\n"
                  "server { listen 8080; location / { proxy_pass http://a; } }\n"));
  EXPECT_TRUE(any_contains(run.notices(),
                           "nginx.conf:3: notice: keepalive is not set in "
                           "upstreams \"a\" and \"b\": nginx opens a new "
                           "connection to the backend for every request"));
}

TEST(NginxImportUpstreamTest, AnUpstreamNameRelay7RefusesFailsTheCheckAtItsLine) {
  const ImportRun run(
      http_config("upstream \"a b\" { server 127.0.0.1:2222; }\n"
                  "server { listen 8080; location / { return 204; } }\n"));
  EXPECT_TRUE(run.result().translated);
  EXPECT_EQ(run.errors(), Lines{"nginx.conf:3: fails the check: upstreams[\"a b\"]: \"a b\" is "
                                "not a valid upstream name (use letters, digits, '_', '.' and "
                                "'-')"});
}

}  // namespace
}  // namespace relay7::nginx_import::testing
