#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace relay7 {
namespace {

using testing::config_of;
using ::testing::ElementsAre;
using testing::errors_of;
using testing::minimal_config;
using ::testing::SizeIs;

using Json = nlohmann::ordered_json;

const Json kReturn204 = Json::array({{{"path", "/"}, {"return", 204}}});

Json server(Json listen, Json names = nullptr) {
  Json block = {{"listen", std::move(listen)}};
  if (!names.is_null()) {
    block["server_names"] = std::move(names);
  }
  block["locations"] = kReturn204;
  return block;
}

Json with_servers(Json servers) {
  auto document = minimal_config();
  document["servers"] = std::move(servers);
  return document;
}

Json with_listen(Json listen) {
  return with_servers({server(std::move(listen))});
}

TEST(ListenTest, AcceptsEveryForm) {
  const Config config =
      config_of(with_listen({"80", "*:81", "127.0.0.1:8080", "[::1]:8080", "[::]:82", "65535"}));
  const auto& listen = config.servers[0].listen;
  ASSERT_THAT(listen, SizeIs(6));
  EXPECT_EQ(listen[0].text, "80");
  EXPECT_EQ(listen[0].address.to_string(), "0.0.0.0:80");
  EXPECT_EQ(listen[1].text, "*:81");
  EXPECT_EQ(listen[1].address.to_string(), "0.0.0.0:81");
  EXPECT_EQ(listen[2].address.to_string(), "127.0.0.1:8080");
  EXPECT_EQ(listen[3].address.to_string(), "[::1]:8080");
  EXPECT_EQ(listen[3].address.family(), AF_INET6);
  EXPECT_EQ(listen[4].address.to_string(), "[::]:82");
  EXPECT_EQ(listen[5].address.port(), 65535);
}

TEST(ListenTest, NotAPortVerbatim) {
  EXPECT_THAT(errors_of(with_listen({"80;"})),
              ElementsAre("test.json: servers[0].listen[0]: \"80;\" is not a port"));
}

TEST(ListenTest, NotAnAddressSaysWhatIsExpected) {
  const char* expected = " is not an address (expected PORT, *:PORT, IPv4:PORT or [IPv6]:PORT)";
  EXPECT_THAT(
      errors_of(with_listen({"127.0.0.1:80;", "localhost:80", "::1:80", "[::1]", "*:x", ":80"})),
      ElementsAre(std::string("test.json: servers[0].listen[0]: \"127.0.0.1:80;\"") + expected,
                  std::string("test.json: servers[0].listen[1]: \"localhost:80\"") + expected,
                  std::string("test.json: servers[0].listen[2]: \"::1:80\"") + expected,
                  std::string("test.json: servers[0].listen[3]: \"[::1]\"") + expected,
                  std::string("test.json: servers[0].listen[4]: \"*:x\"") + expected,
                  std::string("test.json: servers[0].listen[5]: \":80\"") + expected));
}

TEST(ListenTest, PortRange) {
  EXPECT_THAT(errors_of(with_listen({"0", "65536", "127.0.0.1:0", "[::1]:99999", "1234567"})),
              ElementsAre("test.json: servers[0].listen[0]: port 0 is out of range (1..65535)",
                          "test.json: servers[0].listen[1]: port 65536 is out of range (1..65535)",
                          "test.json: servers[0].listen[2]: port 0 is out of range (1..65535)",
                          "test.json: servers[0].listen[3]: port 99999 is out of range (1..65535)",
                          "test.json: servers[0].listen[4]: port 1234567 is out of range "
                          "(1..65535)"));
}

TEST(ListenTest, TypesAndPresence) {
  EXPECT_THAT(
      errors_of(with_listen("80")),
      ElementsAre("test.json: servers[0].listen: expected an array of addresses, got string"));
  EXPECT_THAT(errors_of(with_listen({80})),
              ElementsAre("test.json: servers[0].listen[0]: expected a string, got number"));
  EXPECT_THAT(errors_of(with_listen(Json::array())),
              ElementsAre("test.json: servers[0].listen: at least one listen address is required"));
  EXPECT_THAT(errors_of(with_servers({{{"locations", kReturn204}}})),
              ElementsAre("test.json: servers[0]: missing required key \"listen\""));
}

TEST(ListenTest, DuplicateInsideOneServer) {
  EXPECT_THAT(errors_of(with_listen({"80", "8080", "0.0.0.0:80", "*:8080"})),
              ElementsAre("test.json: servers[0].listen[2]: duplicate listen address 0.0.0.0:80 "
                          "(already in listen[0])",
                          "test.json: servers[0].listen[3]: duplicate listen address "
                          "0.0.0.0:8080 (already in listen[1])"));
}

TEST(ServerNamesTest, LowerCasesAndAcceptsWildcards) {
  const Config config =
      config_of(with_servers({server({"80"}, {"Example.COM", "*.Example.com", "a-1.b2.c", "x"})}));
  EXPECT_THAT(config.servers[0].server_names,
              ElementsAre("example.com", "*.example.com", "a-1.b2.c", "x"));
}

TEST(ServerNamesTest, RejectsInvalidNames) {
  const char* rule =
      " is not a valid server name (use letters, digits, '-' and '.', optionally starting with "
      "\"*.\")";
  EXPECT_THAT(
      errors_of(with_servers({server({"80"}, {"example.*", "", "*.", "a..b", ".a", "exa mple.com",
                                              "_", "a.*.b", "Ex_ample.com"})})),
      ElementsAre(std::string("test.json: servers[0].server_names[0]: \"example.*\"") + rule,
                  std::string("test.json: servers[0].server_names[1]: \"\"") + rule,
                  std::string("test.json: servers[0].server_names[2]: \"*.\"") + rule,
                  std::string("test.json: servers[0].server_names[3]: \"a..b\"") + rule,
                  std::string("test.json: servers[0].server_names[4]: \".a\"") + rule,
                  std::string("test.json: servers[0].server_names[5]: \"exa mple.com\"") + rule,
                  std::string("test.json: servers[0].server_names[6]: \"_\"") + rule,
                  std::string("test.json: servers[0].server_names[7]: \"a.*.b\"") + rule,
                  std::string("test.json: servers[0].server_names[8]: \"Ex_ample.com\"") + rule));
}

TEST(ServerNamesTest, DuplicatesAndTypes) {
  EXPECT_THAT(errors_of(with_servers({server({"80"}, {"example.com", "EXAMPLE.com"})})),
              ElementsAre("test.json: servers[0].server_names[1]: duplicate server name "
                          "\"example.com\""));
  EXPECT_THAT(errors_of(with_servers({server({"80"}, "example.com")})),
              ElementsAre("test.json: servers[0].server_names: expected an array of strings, got "
                          "string"));
}

TEST(ServerBlockTest, LocationsAreRequired) {
  EXPECT_THAT(errors_of(with_servers({{{"listen", {"80"}}}})),
              ElementsAre("test.json: servers[0]: missing required key \"locations\""));
  EXPECT_THAT(errors_of(with_servers({{{"listen", {"80"}}, {"locations", Json::array()}}})),
              ElementsAre("test.json: servers[0].locations: at least one location is required"));
  EXPECT_THAT(errors_of(with_servers({{{"listen", {"80"}}, {"locations", {{"path", "/"}}}}})),
              ElementsAre("test.json: servers[0].locations: expected an array of location "
                          "objects, got object"));
}

TEST(ServerBlockTest, UnknownKeyGetsASuggestion) {
  auto block = server({"80"});
  block["listen:"] = {"81"};
  block["server_name"] = {"a.com"};
  EXPECT_THAT(errors_of(with_servers({block})),
              ElementsAre("test.json: servers[0]: unknown key \"listen:\" (did you mean "
                          "\"listen\"?)",
                          "test.json: servers[0]: unknown key \"server_name\" (did you mean "
                          "\"server_names\"?)"));
}

TEST(VirtualHostTest, BlocksMayShareAnAddressWithDifferentNames) {
  const Config config = config_of(with_servers(
      {server({"80"}, {"a.com"}), server({"80"}, {"b.com", "*.a.com"}), server({"80"})}));
  EXPECT_THAT(config.servers, SizeIs(3));
}

TEST(VirtualHostTest, SameNameOnSameAddressTwice) {
  EXPECT_THAT(errors_of(with_servers({server({"80", "81"}, {"a.com", "b.com"}),
                                      server({"0.0.0.0:80"}, {"c.com", "A.com"})})),
              ElementsAre("test.json: servers[1]: server name \"a.com\" on 0.0.0.0:80 is already "
                          "used by servers[0]"));
}

TEST(VirtualHostTest, SameNameOnDifferentAddressesIsFine) {
  EXPECT_TRUE(
      testing::load(with_servers({server({"80"}, {"a.com"}), server({"81"}, {"a.com"})})).ok());
}

TEST(VirtualHostTest, TwoUnnamedBlocksOnOneAddress) {
  EXPECT_THAT(errors_of(with_servers({server({"8080"}), server({"*:8080"})})),
              ElementsAre("test.json: servers[1]: servers[0] already listens on 0.0.0.0:8080 "
                          "without server_names; give one of them server_names"));
  EXPECT_THAT(errors_of(with_servers({server({"8080"}), server({"9090"}), server({"8080"})})),
              ElementsAre("test.json: servers[2]: servers[0] already listens on 0.0.0.0:8080 "
                          "without server_names; give one of them server_names"));
}

TEST(WildcardConflictTest, WildcardAndSpecificOnSamePortAcrossBlocks) {
  EXPECT_THAT(
      errors_of(with_servers({server({"80"}, {"a.com"}), server({"127.0.0.1:80"}, {"b.com"})})),
      ElementsAre("test.json: servers[1].listen[0]: 127.0.0.1:80 conflicts with "
                  "0.0.0.0:80 at servers[0].listen[0]: a wildcard and a specific address "
                  "on the same port cannot both be bound; use one of them"));
}

TEST(WildcardConflictTest, WildcardAndSpecificInOneBlockAndInIpv6) {
  EXPECT_THAT(errors_of(with_listen({"[::1]:443", "8080", "[::]:443", "10.0.0.1:8080"})),
              ElementsAre("test.json: servers[0].listen[0]: [::1]:443 conflicts with [::]:443 at "
                          "servers[0].listen[2]: a wildcard and a specific address on the same "
                          "port cannot both be bound; use one of them",
                          "test.json: servers[0].listen[3]: 10.0.0.1:8080 conflicts with "
                          "0.0.0.0:8080 at servers[0].listen[1]: a wildcard and a specific "
                          "address on the same port cannot both be bound; use one of them"));
}

TEST(WildcardConflictTest, SharedSpecificAddressIsReportedOnce) {
  EXPECT_THAT(
      errors_of(with_servers({server({"127.0.0.1:80"}, {"a.com"}),
                              server({"127.0.0.1:80"}, {"b.com"}), server({"80"}, {"c.com"})})),
      ElementsAre("test.json: servers[0].listen[0]: 127.0.0.1:80 conflicts with "
                  "0.0.0.0:80 at servers[2].listen[0]: a wildcard and a specific address "
                  "on the same port cannot both be bound; use one of them"));
}

TEST(WildcardConflictTest, OtherPortsAndFamiliesDoNotConflict) {
  EXPECT_TRUE(testing::load(with_listen({"80", "127.0.0.1:81", "[::1]:80"})).ok());
}

TEST(EncodedSlashesTest, KeepIsTheDefaultAndEveryPolicyIsRead) {
  EXPECT_EQ(config_of(with_servers({server({"8080"})})).servers[0].encoded_slashes,
            EncodedSlashes::keep);
  const std::pair<const char*, EncodedSlashes> policies[] = {{"keep", EncodedSlashes::keep},
                                                             {"reject", EncodedSlashes::reject},
                                                             {"decode", EncodedSlashes::decode}};
  for (const auto& [name, policy] : policies) {
    Json block = server({"8080"});
    block["encoded_slashes"] = name;
    EXPECT_EQ(config_of(with_servers({block})).servers[0].encoded_slashes, policy) << name;
  }
}

TEST(EncodedSlashesTest, AnythingElseIsAnError) {
  Json block = server({"8080"});
  block["encoded_slashes"] = "allow";
  EXPECT_THAT(errors_of(with_servers({block})),
              ElementsAre("test.json: servers[0].encoded_slashes: \"allow\" is not valid "
                          "(expected \"keep\", \"reject\" or \"decode\")"));
}

}  // namespace
}  // namespace relay7
