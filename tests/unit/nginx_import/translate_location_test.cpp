#include <gtest/gtest.h>

#include "import_test_util.h"

namespace relay7::nginx_import::testing {
namespace {

using Json = nlohmann::ordered_json;
using Lines = std::vector<std::string>;

Json locations_of(const ImportRun& run) {
  return run.json()["servers"][0]["locations"];
}

TEST(NginxImportLocationTest, TranslatesExactAndPrefixLocations) {
  const ImportRun run(
      server_config("location / { proxy_pass http://app; }\nlocation = /status { return 204; }\n"
                    "location =/exact { return 204; }\nlocation ^~ /static/ { return 404; }\n"
                    "location ^~/glued { return 404; }\n"));
  EXPECT_EQ(run.errors(), Lines{});
  EXPECT_EQ(locations_of(run), Json::parse(R"([
    {"path": "/", "proxy_pass": "http://app"},
    {"path": "/status", "match": "exact", "return": 204},
    {"path": "/exact", "match": "exact", "return": 204},
    {"path": "/static/", "return": 404},
    {"path": "/glued", "return": 404}])"));
  EXPECT_TRUE(run.result().ok());
}

TEST(NginxImportLocationTest, RefusesRegularExpressionAndNamedLocations) {
  const ImportRun run(server_config(
      "location / { return 204; }\nlocation ~ \\.php$ { proxy_pass http://app; }\n"
      "location ~* ^/admin { return 403; }\nlocation @fallback { proxy_pass http://app; }\n"
      "location != /x { }\n"));
  EXPECT_EQ(run.errors(),
            (Lines{"nginx.conf:7: not translated: location ~ \\.php$ (relay7 has no "
                   "regular-expression locations: use exact (=) and prefix locations, with "
                   "\"ignore_case\" for ~*)",
                   "nginx.conf:8: not translated: location ~* ^/admin (relay7 has no "
                   "regular-expression locations: use exact (=) and prefix locations, with "
                   "\"ignore_case\" for ~*)",
                   "nginx.conf:9: not translated: location @fallback (named locations serve "
                   "error_page and try_files, which relay7 lacks)",
                   "nginx.conf:10: invalid location modifier \"!=\""}));
  EXPECT_EQ(locations_of(run), Json::parse(R"([{"path": "/", "return": 204}])"));
}

TEST(NginxImportLocationTest, FlattensNestedLocationsWithWhatTheyInherit) {
  const ImportRun run(
      server_config("location /api/ {\n  client_max_body_size 5m;\n  proxy_pass http://app;\n"
                    "  location /api/upload/ { client_max_body_size 0; proxy_pass http://app; }\n"
                    "  location = /api/ping { return 204; }\n}\n"));
  EXPECT_EQ(run.errors(), Lines{});
  EXPECT_EQ(locations_of(run), Json::parse(R"([
    {"path": "/api/", "max_body_size": "5m", "proxy_pass": "http://app"},
    {"path": "/api/upload/", "max_body_size": "0", "proxy_pass": "http://app"},
    {"path": "/api/ping", "match": "exact", "max_body_size": "5m", "return": 204}])"));
}

TEST(NginxImportLocationTest, AppliesNginxsRulesForNestedLocations) {
  const ImportRun run(
      server_config("location /a/ { return 204; location /b/ { return 204; } }\n"
                    "location = /c { return 204; location /c/d { return 204; } }\n"));
  EXPECT_EQ(run.errors(),
            (Lines{"nginx.conf:6: location \"/b/\" is outside location \"/a/\"",
                   "nginx.conf:7: location \"/c/d\" cannot be inside the exact location \"/c\""}));
}

TEST(NginxImportLocationTest, RefusesALocationThatServesFiles) {
  const ImportRun run(
      server_config("location / { proxy_pass http://app; }\nlocation /files/ { }\n"));
  EXPECT_EQ(run.errors(),
            Lines{"nginx.conf:7: not translated: location /files/ (without proxy_pass or return "
                  "nginx serves files from the root, and relay7 serves no files: give it a "
                  "proxy_pass or a return)"});
  EXPECT_EQ(locations_of(run).size(), 1u);
}

TEST(NginxImportLocationTest, TranslatesProxyPassToUpstreamsAndAddresses) {
  const ImportRun run(server_config(
      "location / { proxy_pass http://app; }\nlocation /a/ { proxy_pass http://app/v1/; }\n"
      "location /b/ { proxy_pass http://127.0.0.1:3333/b/; }\n"
      "location /c/ { proxy_pass HTTP://127.0.0.1/c/; }\n"
      "location /later/ { proxy_pass http://later/; }\n"
      "}\nupstream later { server 127.0.0.1:4444; }\nserver { listen 8081;\n"
      "location / { return 204; }\n"));
  EXPECT_EQ(run.errors(), Lines{});
  EXPECT_EQ(locations_of(run), Json::parse(R"([
    {"path": "/", "proxy_pass": "http://app"},
    {"path": "/a/", "proxy_pass": "http://app/v1/"},
    {"path": "/b/", "proxy_pass": "http://127.0.0.1:3333/b/"},
    {"path": "/c/", "proxy_pass": "http://127.0.0.1:80/c/"},
    {"path": "/later/", "proxy_pass": "http://later/"}])"));
  EXPECT_TRUE(run.result().ok());
}

// Where relay7 builds another upstream URI than nginx, the line says so.
TEST(NginxImportLocationTest, WarnsWhereRelay7RewritesOtherwiseThanNginx) {
  const ImportRun run(server_config(
      "location / { proxy_pass http://app/; }\nlocation /summary { proxy_pass http://app/; }\n"
      "location /raw/ { proxy_pass http://app; }\nlocation /v1/ { proxy_pass http://app/v2/; }\n"
      "location = /x { proxy_pass http://app/y/; }\n"));
  EXPECT_EQ(run.warnings(),
            (Lines{"nginx.conf:7: warning: nginx sends \"/summary/x\" upstream as \"//x\" (it "
                   "joins \"/\" and \"/x\") and \"/summary../x\" as \"/../x\"; relay7 sends "
                   "\"/x\" and refuses the second with 400",
                   "nginx.conf:8: warning: without a URI part nginx sends the request URI as the "
                   "client wrote it (\"/x/../a\", \"/%61\"); relay7 sends the normalised path it "
                   "routed on (\"/a\")"}));
}

TEST(NginxImportLocationTest, RefusesProxyPassTargetsRelay7CannotReach) {
  const ImportRun run(server_config(
      "location /a { proxy_pass https://app; }\nlocation /b { proxy_pass http://$backend; }\n"
      "location /c { proxy_pass http://unix:/run/app.sock; }\n"
      "location /d { proxy_pass grpc://app; }\nlocation /e { proxy_pass app; }\n"));
  EXPECT_EQ(run.errors(),
            (Lines{"nginx.conf:4: fails the check: servers[0].locations: at least one location is "
                   "required",
                   "nginx.conf:6: not translated: proxy_pass https://app (the import does not "
                   "write TLS to backends yet: write proxy_pass https:// with the upstream's "
                   "\"tls\" object by hand (relay7.json(5), UPSTREAMS))",
                   "nginx.conf:7: not translated: proxy_pass http://$backend (relay7 has no "
                   "variables: it picks the upstream from the location alone)",
                   "nginx.conf:8: not translated: proxy_pass http://unix:/run/app.sock (relay7 "
                   "proxies to http://UPSTREAM or http://HOST:PORT only)",
                   "nginx.conf:9: not translated: proxy_pass grpc://app (relay7 proxies to HTTP "
                   "backends only)",
                   "nginx.conf:10: not translated: proxy_pass app (relay7 proxies to "
                   "http://UPSTREAM or http://HOST:PORT only)"}));
}

TEST(NginxImportLocationTest, AProxyPassRelay7RefusesFailsTheCheckAtItsLine) {
  const ImportRun run(server_config("location / {\n  proxy_pass http://app/a%20b/;\n}\n"));
  EXPECT_TRUE(run.result().translated);
  ASSERT_EQ(run.errors().size(), 1u);
  EXPECT_TRUE(run.errors()[0].starts_with(
      "nginx.conf:7: fails the check: servers[0].locations[0].proxy_pass: "))
      << run.errors()[0];
}

TEST(NginxImportLocationTest, TranslatesReturn) {
  const ImportRun run(server_config(
      "location /a { return 403; }\nlocation /b { return 200 \"hello\"; }\n"
      "location /c { return 301 https://example.com/c; }\n"
      "location /d { return https://example.com/d; }\nlocation /e { return 302 /e2; }\n"));
  EXPECT_EQ(run.errors(), Lines{});
  EXPECT_EQ(locations_of(run), Json::parse(R"([
    {"path": "/a", "return": 403},
    {"path": "/b", "return": {"status": 200, "body": "hello"}},
    {"path": "/c", "return": {"status": 301, "location": "https://example.com/c"}},
    {"path": "/d", "return": {"status": 302, "location": "https://example.com/d"}},
    {"path": "/e", "return": {"status": 302, "location": "/e2"}}])"));
  EXPECT_EQ(run.warnings(),
            Lines{"nginx.conf:10: warning: nginx makes \"/e2\" an absolute URL with the request's "
                  "host (absolute_redirect); relay7 sends it as written, which clients resolve "
                  "the same way"});
}

TEST(NginxImportLocationTest, RefusesReturnsRelay7CannotGive) {
  const ImportRun run(
      server_config("location /a { return 444; }\nlocation /b { return 301 https://$host$uri; }\n"
                    "location /c { return nope; }\nlocation /d { return 301; }\n"
                    "location /e { return 200 $remote_addr; }\nlocation /f { return $status; }\n"));
  const Lines errors = run.errors();
  ASSERT_EQ(errors.size(), 6u);
  EXPECT_EQ(errors[0],
            "nginx.conf:6: not translated: return 444 (444 closes the connection "
            "without an answer; relay7 always answers)");
  EXPECT_EQ(errors[1],
            "nginx.conf:7: not translated: return 301 https://$host$uri "
            "(relay7's redirect locations expand only $scheme, $host, $request_uri, "
            "$server_port)");
  EXPECT_EQ(errors[2], "nginx.conf:8: invalid return code \"nope\"");
  EXPECT_TRUE(
      errors[3].starts_with("nginx.conf:9: fails the check: servers[0].locations[0]."
                            "return: status 301 needs a \"location\""))
      << errors[3];
  EXPECT_EQ(errors[4],
            "nginx.conf:10: not translated: return 200 $remote_addr (relay7 expands variables "
            "only in redirect locations: its bodies are fixed text)");
  EXPECT_EQ(errors[5],
            "nginx.conf:11: not translated: return $status (relay7's status codes are fixed "
            "numbers)");
}

// The redirect every site moving to HTTPS has: relay7 expands the same variables.
TEST(NginxImportLocationTest, TranslatesRedirectsWithRequestVariables) {
  const ImportRun run(
      server_config("location / { return 301 https://$host$request_uri; }\n"
                    "location /p { return 302 $scheme://${host}:$server_port/new; }\n"));
  EXPECT_EQ(run.errors(), Lines{});
  EXPECT_EQ(locations_of(run), Json::parse(R"([
    {"path": "/", "return": {"status": 301, "location": "https://$host$request_uri"}},
    {"path": "/p", "return": {"status": 302, "location": "$scheme://${host}:$server_port/new"}}])"));
}

TEST(NginxImportLocationTest, AReturnAnswersBeforeAProxyPass) {
  const ImportRun run(server_config("location / {\nproxy_pass http://app;\nreturn 403;\n}\n"));
  EXPECT_EQ(locations_of(run), Json::parse(R"([{"path": "/", "return": 403}])"));
  EXPECT_TRUE(any_contains(run.warnings(),
                           "nginx.conf:7: warning: proxy_pass dropped: nginx "
                           "answers with the return (line 8)"));
}

TEST(NginxImportLocationTest, DropsHeaderLinesThatAskForWhatRelay7SendsAnyway) {
  const ImportRun run(server_config(
      "proxy_http_version 1.1;\nproxy_set_header Host $host;\n"
      "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
      "proxy_set_header X-Real-IP $remote_addr;\nproxy_set_header X-Forwarded-Proto $scheme;\n"
      "proxy_set_header Connection \"\";\nproxy_set_header Upgrade $http_upgrade;\n"
      "location / { proxy_pass http://app; }\n"));
  EXPECT_EQ(run.errors(), Lines{});
  EXPECT_EQ(run.warnings().size(), 8u);
  EXPECT_TRUE(any_contains(run.warnings(),
                           "nginx.conf:7: warning: proxy_set_header Host $host: "
                           "dropped, relay7 passes the client's Host header as it "
                           "came, port included"));
  // Host is set, so nginx's own default Host is not a difference worth a notice.
  EXPECT_FALSE(any_contains(run.notices(), "Host: "));
}

TEST(NginxImportLocationTest, NamesTheHeaderRuleAProxySetHeaderBecomes) {
  const ImportRun run(
      server_config("location / {\nproxy_set_header X-Custom yes;\nproxy_http_version 1.0;\n"
                    "proxy_buffering on;\nproxy_pass http://app;\n}\n"));
  EXPECT_EQ(run.errors(),
            (Lines{"nginx.conf:7: not translated: proxy_set_header X-Custom yes (write it as a "
                   "request header rule (header_rules in relay7.json(5)); relay7 sends Host, "
                   "X-Forwarded-For, X-Real-IP, X-Forwarded-Proto and X-Forwarded-Host itself)",
                   "nginx.conf:8: not translated: proxy_http_version 1.0 (relay7 always speaks "
                   "HTTP/1.1 to backends)",
                   "nginx.conf:9: not translated: proxy_buffering on (relay7 always streams "
                   "responses to the client as they arrive, with backpressure)"}));
}

TEST(NginxImportLocationTest, NamesWhatNginxSendsUpstreamByDefault) {
  const ImportRun run(server_config("location / { proxy_pass http://app/; }\n"));
  EXPECT_TRUE(any_contains(run.notices(),
                           "nginx.conf:6: notice: nginx sends the backend \"Host: "
                           "app\" (the proxy_pass host)"));
}

// Found by fuzz_nginx_import: "\n" in a word is a newline, and this notice quoted the host raw,
// so the message took two lines.
TEST(NginxImportLocationTest, QuotesAProxyPassHostWithAControlCharacterOnOneLine) {
  const ImportRun run(server_config("location / { proxy_pass http://a\\nb; }\n"));
  EXPECT_TRUE(any_contains(run.notices(),
                           "nginx.conf:6: notice: nginx sends the backend \"Host: "
                           "a\\x0ab\" (the proxy_pass host)"));
}

}  // namespace
}  // namespace relay7::nginx_import::testing
