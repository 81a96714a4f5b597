#include "relay7/http1/upstream_request_head.h"

#include <gtest/gtest.h>

#include <string>

#include "../transport/io_buffer_text.h"

namespace relay7 {
namespace {

MessageHead head_with(std::initializer_list<std::pair<std::string, std::string>> headers) {
  MessageHead head;
  head.method = "GET";
  head.target = "/ignored";
  for (const auto& [name, value] : headers) {
    head.headers.add(name, value);
  }
  return head;
}

// What one request brings beside its head: the addresses, the listener and the rules in force.
struct Request {
  std::string_view path = "/";
  std::string_view query;
  std::string_view host = "h";
  std::string_view client_ip = "::1";
  std::string_view peer_ip = "::1";
  RequestBodyMode body_mode = RequestBodyMode::none;
  uint64_t content_length = 0;
  bool upgrade = false;
  bool keep_alive = true;
  bool tls = false;
  std::string_view request_id;
  HeaderRulesConfig server_rules;
  HeaderRulesConfig location_rules;
  std::optional<RequestIdConfig> request_id_config;
};

std::string build(const MessageHead& head, const Request& request) {
  Config config;
  config.request_id = request.request_id_config;
  const HeaderRuleSet rules =
      merge_header_rules(config, &request.server_rules, &request.location_rules);
  const TemplateValues values{request.tls ? "https" : "http",
                              request.host,
                              head.target,
                              "80",
                              request.client_ip,
                              request.peer_ip,
                              request.request_id,
                              request.host,
                              &head.headers};
  BlockPool blocks;
  IoBuffer buffer(blocks);
  std::string scratch;
  build_upstream_request_head(
      UpstreamRequest{head, request.path, request.query, !request.query.empty(), request.host,
                      request.body_mode, request.content_length, request.upgrade,
                      request.keep_alive, rules, values, scratch},
      buffer);
  return testing::text_of(buffer);
}

HeaderEdit edit(HeaderEditKind kind, std::string name, std::string_view value = {}) {
  std::string error;
  auto parsed = parse_text_template(value, error, TemplateScope::header_rule);
  EXPECT_TRUE(parsed) << error;
  return HeaderEdit{kind, std::move(name), parsed.value_or(TextTemplate{})};
}

TEST(UpstreamRequestHead, RemovesHopByHopAndSetsForwardingHeaders) {
  const MessageHead head = head_with({{"Host", "example.com"},
                                      {"Connection", "keep-alive, X-Secret"},
                                      {"Keep-Alive", "timeout=5"},
                                      {"X-Secret", "drop me"},
                                      {"TE", "trailers"},
                                      {"Proxy-Connection", "keep-alive"},
                                      {"X-Forwarded-For", "203.0.113.7"},
                                      {"X-Real-IP", "spoofed"},
                                      {"Accept", "*/*"}});
  Request request;
  request.path = "/report";
  request.query = "day=1";
  request.host = "example.com";
  request.client_ip = request.peer_ip = "127.0.0.2";
  EXPECT_EQ(build(head, request),
            "GET /report?day=1 HTTP/1.1\r\n"
            "Host: example.com\r\n"
            "Accept: */*\r\n"
            "X-Forwarded-For: 203.0.113.7, 127.0.0.2\r\n"
            "X-Real-IP: 127.0.0.2\r\n"
            "X-Forwarded-Proto: http\r\n"
            "X-Forwarded-Host: example.com\r\n"
            "\r\n");
}

// Behind a trusted proxy (real_ip) the client is another address than the peer: X-Real-IP names
// the client, X-Forwarded-For gets the hop relay7 heard from, as every proxy appends its own.
TEST(UpstreamRequestHead, ForwardsTheClientAndAppendsThePeer) {
  const MessageHead head = head_with({{"Host", "h"}, {"X-Forwarded-For", "203.0.113.7"}});
  Request request;
  request.client_ip = "203.0.113.7";
  request.peer_ip = "10.0.0.2";
  const std::string out = build(head, request);
  EXPECT_NE(out.find("\r\nX-Forwarded-For: 203.0.113.7, 10.0.0.2\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\r\nX-Real-IP: 203.0.113.7\r\n"), std::string::npos) << out;
}

TEST(UpstreamRequestHead, SaysHttpsToTheBackendOfATlsClient) {
  const MessageHead head = head_with({{"Host", "h"}, {"X-Forwarded-Proto", "http"}});
  Request request;
  request.tls = true;
  const std::string out = build(head, request);
  EXPECT_NE(out.find("\r\nX-Forwarded-Proto: https\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("X-Forwarded-Proto: http\r\n"), std::string::npos) << "the client's copy goes";
}

TEST(UpstreamRequestHead, RegeneratesFraming) {
  const MessageHead head = head_with({{"Host", "h"}, {"Content-Length", "10"}});
  Request request;
  request.body_mode = RequestBodyMode::length;
  request.content_length = 10;
  request.keep_alive = false;
  std::string out = build(head, request);
  EXPECT_NE(out.find("Content-Length: 10\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Content-Length: 10\r\nContent-Length"), std::string::npos);
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos) << "keepalive 0 closes";

  const MessageHead chunked = head_with({{"Host", "h"}, {"Transfer-Encoding", "chunked"}});
  Request streamed;
  streamed.body_mode = RequestBodyMode::chunked;
  out = build(chunked, streamed);
  EXPECT_NE(out.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Connection:"), std::string::npos);
}

TEST(UpstreamRequestHead, PassesUpgradeOnlyWhenTunnelling) {
  const MessageHead head =
      head_with({{"Host", "h"}, {"Connection", "Upgrade"}, {"Upgrade", "websocket"}});
  Request request;
  request.path = "/ws";
  request.upgrade = true;
  EXPECT_NE(build(head, request).find("Upgrade: websocket\r\nConnection: upgrade\r\n"),
            std::string::npos);
  request.upgrade = false;
  EXPECT_EQ(build(head, request).find("Upgrade"), std::string::npos);
}

TEST(UpstreamRequestHead, RulesSetAddAndRemoveFields) {
  const MessageHead head = head_with(
      {{"Host", "h"}, {"X-Tenant", "from-client"}, {"X-Trace", "a"}, {"Cookie", "secret=1"}});
  Request request;
  request.client_ip = "192.0.2.9";
  request.server_rules.request = {edit(HeaderEditKind::set, "X-Tenant", "shop-$remote_addr"),
                                  edit(HeaderEditKind::add, "X-Trace", "relay7"),
                                  edit(HeaderEditKind::remove, "cookie")};
  const std::string out = build(head, request);
  EXPECT_NE(out.find("\r\nX-Tenant: shop-192.0.2.9\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("from-client"), std::string::npos) << "set replaces the client's field";
  EXPECT_NE(out.find("\r\nX-Trace: a\r\n"), std::string::npos) << "add keeps the client's";
  EXPECT_NE(out.find("\r\nX-Trace: relay7\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("secret"), std::string::npos) << out;
}

// The forwarded headers are defaults like any other rule: a location can drop or change them,
// and a removed one is not smuggled through from the client either.
TEST(UpstreamRequestHead, DefaultForwardedHeadersCanBeRemovedOrChanged) {
  const MessageHead head = head_with({{"Host", "h"}, {"X-Real-IP", "spoofed"}});
  Request request;
  request.location_rules.request = {edit(HeaderEditKind::remove, "X-Real-IP"),
                                    edit(HeaderEditKind::set, "X-Forwarded-Proto", "https")};
  const std::string out = build(head, request);
  EXPECT_EQ(out.find("X-Real-IP"), std::string::npos) << out;
  EXPECT_NE(out.find("\r\nX-Forwarded-Proto: https\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\r\nX-Forwarded-For: ::1\r\n"), std::string::npos) << "others stay";
}

// A location's rule for a name replaces its server's; the server's other rules are inherited
// (nginx's proxy_set_header in a location drops every inherited one).
TEST(UpstreamRequestHead, LocationRulesOverrideTheirServersByName) {
  const MessageHead head = head_with({{"Host", "h"}});
  Request request;
  request.server_rules.request = {edit(HeaderEditKind::set, "X-App", "server"),
                                  edit(HeaderEditKind::add, "X-Kept", "server")};
  request.location_rules.request = {edit(HeaderEditKind::set, "x-app", "location")};
  const std::string out = build(head, request);
  EXPECT_NE(out.find("\r\nx-app: location\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("X-App: server"), std::string::npos) << out;
  EXPECT_NE(out.find("\r\nX-Kept: server\r\n"), std::string::npos) << out;
}

TEST(UpstreamRequestHead, ARuleMaySetHostAndEmptyValuesSendNothing) {
  const MessageHead head = head_with({{"Host", "public.example"}});
  Request request;
  request.host = "public.example";
  request.server_rules.request = {edit(HeaderEditKind::set, "Host", "app.internal"),
                                  edit(HeaderEditKind::set, "X-User", "$http_x_user")};
  const std::string out = build(head, request);
  EXPECT_TRUE(out.starts_with("GET / HTTP/1.1\r\nHost: app.internal\r\n")) << out;
  EXPECT_EQ(out.find("\r\nHost: public.example"), std::string::npos) << out;
  EXPECT_EQ(out.find("X-User"), std::string::npos) << "no X-User from the client: none sent";
  EXPECT_NE(out.find("\r\nX-Forwarded-Host: public.example\r\n"), std::string::npos) << out;
}

TEST(UpstreamRequestHead, ForwardedFollowsRfc7239) {
  const MessageHead head =
      head_with({{"Host", "shop.example:8443"}, {"Forwarded", "for=192.0.2.1"}});
  Request request;
  request.host = "shop.example:8443";
  request.peer_ip = "2001:db8::7";
  request.tls = true;
  request.server_rules.request = {edit(HeaderEditKind::set, "Forwarded", "$proxy_add_forwarded")};
  const std::string out = build(head, request);
  EXPECT_NE(out.find("\r\nForwarded: for=192.0.2.1, for=\"[2001:db8::7]\";"
                     "host=\"shop.example:8443\";proto=https\r\n"),
            std::string::npos)
      << out;
}

TEST(UpstreamRequestHead, RequestIdReplacesTheClientsField) {
  const MessageHead head = head_with({{"Host", "h"}, {"x-request-id", "forged"}});
  Request request;
  request.request_id_config = RequestIdConfig{};
  request.request_id = "0123abcd";
  const std::string out = build(head, request);
  EXPECT_NE(out.find("\r\nX-Request-ID: 0123abcd\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("forged"), std::string::npos) << out;
}

}  // namespace
}  // namespace relay7
