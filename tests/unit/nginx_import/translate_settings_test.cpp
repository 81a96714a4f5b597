// Settings nginx inherits from http to server to location: body size, timeouts, access log,
// trusted proxies.
#include <gtest/gtest.h>

#include "import_test_util.h"

namespace relay7::nginx_import::testing {
namespace {

using Json = nlohmann::ordered_json;
using Lines = std::vector<std::string>;

TEST(NginxImportSettingsTest, TranslatesTheBodyLimitPerServerAndLocation) {
  const ImportRun run(http_config(
      "client_max_body_size 2m;\n"
      "server { listen 8080; location / { return 204; } }\n"
      "server { listen 8081; client_max_body_size 10M;\n"
      "  location / { return 204; }\n  location /upload/ { client_max_body_size 0; return 204; }\n"
      "}\n"));
  EXPECT_EQ(run.errors(), Lines{});
  const Json servers = run.json()["servers"];
  EXPECT_EQ(servers[0]["max_body_size"], "2m");
  EXPECT_EQ(servers[1]["max_body_size"], "10m");
  EXPECT_FALSE(servers[1]["locations"][0].contains("max_body_size"));
  EXPECT_EQ(servers[1]["locations"][1]["max_body_size"], "0");
  EXPECT_FALSE(any_contains(run.notices(), "client_max_body_size"));
  const ImportRun bad(
      http_config("client_max_body_size 1mb;\nserver { listen 8080; location / "
                  "{ return 204; } }\n"));
  EXPECT_EQ(bad.errors(), Lines{"nginx.conf:3: invalid value \"1mb\" in \"client_max_body_size\" "
                                "directive (expected a size such as 10m)"});
}

TEST(NginxImportSettingsTest, NamesServersWithoutABodyLimitInOneNotice) {
  const ImportRun run(
      http_config("server { listen 8080; location / { return 204; } }\n"
                  "server { listen 8081; location / { return 204; } }\n"
                  "server { listen 8082; location / { return 204; } }\n"));
  EXPECT_TRUE(any_contains(run.notices(),
                           "nginx.conf:3: notice: client_max_body_size is not set "
                           "here nor in 2 other server blocks: nginx refuses"));
}

TEST(NginxImportSettingsTest, TranslatesTimeoutsThatApplyToEveryRequest) {
  const ImportRun run(
      http_config("proxy_connect_timeout 3s;\nproxy_read_timeout 2m;\nproxy_send_timeout 30;\n"
                  "client_header_timeout 10s;\nclient_body_timeout 15s;\nsend_timeout 20s;\n"
                  "keepalive_timeout 65;\nserver { listen 8080; location / { return 204; } }\n"));
  EXPECT_EQ(run.errors(), Lines{});
  EXPECT_EQ(run.json()["timeouts"], Json::parse(R"({"client_header": "10s", "client_body": "15s",
      "keepalive": "65s", "send": "20s", "upstream_connect": "3s", "upstream_read": "2m",
      "upstream_send": "30s"})"));
  EXPECT_FALSE(any_contains(run.notices(), "proxy_connect_timeout"));
}

// nginx sets timeouts per location; relay7 has one value, so locations must agree.
TEST(NginxImportSettingsTest, RefusesATimeoutOnlySomeLocationsHave) {
  const ImportRun same(
      http_config("upstream app { server 127.0.0.1:2222; }\nserver { listen 8080;\n"
                  "location /a { proxy_read_timeout 30s; proxy_pass http://app; }\n"
                  "location /b { proxy_read_timeout 30s; proxy_pass http://app; }\n}\n"));
  EXPECT_EQ(same.errors(), Lines{});
  EXPECT_EQ(same.json()["timeouts"]["upstream_read"], "30s");
  const ImportRun differ(
      http_config("upstream app { server 127.0.0.1:2222; }\nserver { listen 8080;\n"
                  "location /a { proxy_read_timeout 5m; proxy_pass http://app; }\n"
                  "location /b { proxy_pass http://app; }\n}\n"));
  EXPECT_EQ(differ.errors(),
            Lines{"nginx.conf:5: not translated: proxy_read_timeout 5m (relay7 has one value "
                  "for every request, and other locations have proxy_read_timeout 1m: set one "
                  "value in http)"});
}

TEST(NginxImportSettingsTest, TranslatesTheFirstKeepaliveTimeoutAndRefusesTheHeaderOne) {
  const ImportRun run(
      http_config("keepalive_timeout 75s 60s;\nserver { listen 8080; location / "
                  "{ return 204; } }\n"));
  EXPECT_EQ(run.json()["timeouts"]["keepalive"], "75s");
  EXPECT_EQ(run.errors(), Lines{"nginx.conf:3: not translated: keepalive_timeout 75s 60s (the "
                                "second value sets a \"Keep-Alive: timeout=\" header, which "
                                "relay7 does not send; the first is translated)"});
}

TEST(NginxImportSettingsTest, TranslatesTheAccessLog) {
  const ImportRun run(
      http_config("access_log /var/log/x.log combined buffer=32k;\n"
                  "server { listen 8080; location / { return 204; } }\n"));
  EXPECT_EQ(run.errors(), Lines{});
  EXPECT_EQ(run.json()["access_log"], Json::parse(R"({"path": "/var/log/x.log",
                                                      "format": "combined"})"));
  EXPECT_TRUE(any_contains(run.warnings(), "\"buffer=32k\" dropped"));
  EXPECT_TRUE(any_contains(run.notices(),
                           "nginx.conf:3: notice: relay7's combined format adds "
                           "the backend's address and the request time"));
  const ImportRun off(
      http_config("access_log off;\nserver { listen 8080; location / { return "
                  "204; } }\n"));
  EXPECT_EQ(off.json()["access_log"], Json::parse(R"({"path": "off"})"));
}

TEST(NginxImportSettingsTest, WritesACustomLogFormatAsCombinedWithAWarning) {
  const ImportRun run(
      http_config("log_format main '$remote_addr $request';\n"
                  "access_log /var/log/x.log main;\n"
                  "server { listen 8080; location / { return 204; } }\n"));
  EXPECT_EQ(run.errors(), Lines{});
  EXPECT_EQ(run.json()["access_log"]["format"], "combined");
  EXPECT_TRUE(any_contains(run.warnings(),
                           "nginx.conf:4: warning: the log format \"main\" (line "
                           "3) is not translated: the log is written in relay7's combined "
                           "format"));
  const ImportRun unknown(
      http_config("access_log /var/log/x.log main;\nserver { listen 8080; "
                  "location / { return 204; } }\n"));
  EXPECT_EQ(unknown.errors(), Lines{"nginx.conf:3: unknown log format \"main\""});
}

TEST(NginxImportSettingsTest, RefusesAnAccessLogOnlySomeLocationsHave) {
  const ImportRun run(
      http_config("access_log /var/log/x.log;\nserver { listen 8080;\n"
                  "location / { return 204; }\n"
                  "location /health { access_log off; return 204; }\n}\n"));
  EXPECT_EQ(run.errors(),
            (Lines{"nginx.conf:3: not translated: access_log /var/log/x.log (relay7 has one value "
                   "for every request, and other locations have access_log off: set one value in "
                   "http)",
                   "nginx.conf:6: not translated: access_log off (relay7 has one value for every "
                   "request, and other locations have access_log /var/log/x.log: set one value "
                   "in http)"}));
}

TEST(NginxImportSettingsTest, TranslatesTrustedProxiesIntoRealIp) {
  const ImportRun run(http_config(
      "set_real_ip_from 10.0.0.0/8;\nset_real_ip_from ::1;\nreal_ip_header X-Forwarded-For;\n"
      "real_ip_recursive on;\nserver { listen 8080; location / { return 204; } }\n"));
  EXPECT_EQ(run.errors(), Lines{});
  EXPECT_EQ(run.warnings(), Lines{});
  EXPECT_EQ(run.json()["real_ip"], Json::parse(R"({"from": ["10.0.0.0/8", "::1"],
                                                  "header": "X-Forwarded-For"})"));
}

TEST(NginxImportSettingsTest, RealIpKeepsNginxsDefaultsAndSaysWhatDiffers) {
  // nginx's default header is X-Real-IP and its default walk is not recursive.
  const ImportRun run(http_config(
      "set_real_ip_from 10.0.0.7;\nserver { listen 8080; location / { return 204; } }\n"));
  EXPECT_EQ(run.errors(), Lines{});
  EXPECT_EQ(run.json()["real_ip"], Json::parse(R"({"from": ["10.0.0.7"], "header": "X-Real-IP"})"));
  EXPECT_TRUE(any_contains(run.warnings(), "real_ip_recursive is off"));
}

TEST(NginxImportSettingsTest, RealIpFromTheProxyProtocolIsTheListenObject) {
  const ImportRun run(
      http_config("set_real_ip_from 10.0.0.0/8;\nreal_ip_header proxy_protocol;\n"
                  "server { listen 8080 proxy_protocol; location / { return 204; } }\n"));
  EXPECT_EQ(run.errors(), Lines{});
  EXPECT_FALSE(run.json().contains("real_ip"));
  EXPECT_EQ(run.json()["servers"][0]["listen"][0],
            Json::parse(R"({"address": "8080", "proxy_protocol": true})"));
  EXPECT_TRUE(any_contains(run.warnings(), "from the PROXY header"));
}

TEST(NginxImportSettingsTest, RefusesRealIpOnlySomeLocationsHaveAndBadValues) {
  const ImportRun differs(
      http_config("server { listen 8080; set_real_ip_from 10.0.0.1; real_ip_recursive on;\n"
                  "location / { return 204; } }\n"
                  "server { listen 8081; location / { return 204; } }\n"));
  EXPECT_TRUE(any_contains(differs.errors(), "not translated: set_real_ip_from 10.0.0.1"));
  const ImportRun bad(http_config(
      "set_real_ip_from 10.0.0.1/8;\nreal_ip_recursive maybe;\nreal_ip_header \"a b\";\n"
      "server { listen 8080; location / { return 204; } }\n"));
  EXPECT_EQ(bad.errors().size(), 3u);
  const ImportRun alone(http_config(
      "real_ip_header X-Real-IP;\nserver { listen 8080; location / { return 204; } }\n"));
  EXPECT_FALSE(alone.json().contains("real_ip"));
  EXPECT_TRUE(any_contains(alone.warnings(), "without set_real_ip_from"));
}

}  // namespace
}  // namespace relay7::nginx_import::testing
