#include "relay7/pipeline/client_address.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <utility>

namespace relay7 {
namespace {

RealIpConfig trusting(std::initializer_list<const char*> blocks,
                      std::string header = "X-Forwarded-For") {
  RealIpConfig config;
  for (const char* block : blocks) {
    std::string error;
    config.from.push_back(parse_address_range(block, error).value());
  }
  config.header = std::move(header);
  return config;
}

std::string bytes(const char* text) {
  return std::string(parse_ip_address(text).value().view());
}

// The client address real_ip finds for a request from `peer` with `fields`; "" when the peer's
// address stands.
std::string client_of(const RealIpConfig& config, const char* peer,
                      std::initializer_list<std::pair<const char*, const char*>> fields) {
  HeaderList headers;
  for (const auto& [name, value] : fields) {
    headers.add(name, value);
  }
  IpAddress client;
  if (!client_address_from_header(config, bytes(peer), headers, client)) {
    return "";
  }
  return std::string(client.view());
}

TEST(ClientAddressTest, AnUntrustedPeerIsTheClientWhateverItSends) {
  const RealIpConfig config = trusting({"10.0.0.0/8"});
  EXPECT_EQ(client_of(config, "192.0.2.1", {{"X-Forwarded-For", "203.0.113.5"}}), "");
}

TEST(ClientAddressTest, TakesTheRightMostUntrustedHop) {
  const RealIpConfig config = trusting({"10.0.0.0/8", "::1"});
  EXPECT_EQ(client_of(config, "10.0.0.2", {{"X-Forwarded-For", "203.0.113.5"}}),
            bytes("203.0.113.5"));
  // A client that forges the left part gets only its own address taken.
  EXPECT_EQ(client_of(config, "10.0.0.2", {{"X-Forwarded-For", "1.1.1.1, 203.0.113.5, 10.0.0.9"}}),
            bytes("203.0.113.5"));
  // Several fields are one list, in order.
  EXPECT_EQ(client_of(config, "::1",
                      {{"X-Forwarded-For", "198.51.100.1"}, {"x-forwarded-for", "10.0.0.7,,"}}),
            bytes("198.51.100.1"));
}

TEST(ClientAddressTest, WhenEveryHopIsTrustedTheLeftMostStands) {
  const RealIpConfig config = trusting({"10.0.0.0/8"});
  EXPECT_EQ(client_of(config, "10.0.0.2", {{"X-Forwarded-For", "10.1.1.1, 10.2.2.2"}}),
            bytes("10.1.1.1"));
}

TEST(ClientAddressTest, AnEntryThatIsNoAddressEndsTheWalk) {
  const RealIpConfig config = trusting({"10.0.0.0/8"});
  EXPECT_EQ(client_of(config, "10.0.0.2", {{"X-Forwarded-For", "203.0.113.5, unknown, 10.0.0.3"}}),
            bytes("10.0.0.3"));
  EXPECT_EQ(client_of(config, "10.0.0.2", {{"X-Forwarded-For", "garbage"}}), "");
  EXPECT_EQ(client_of(config, "10.0.0.2", {}), "");
}

TEST(ClientAddressTest, ReadsTheHeaderTheConfigNames) {
  const RealIpConfig config = trusting({"127.0.0.1"}, "X-Real-IP");
  EXPECT_EQ(client_of(config, "127.0.0.1",
                      {{"X-Forwarded-For", "198.51.100.1"}, {"X-Real-IP", "[2001:db8::5]"}}),
            bytes("2001:db8::5"));
}

}  // namespace
}  // namespace relay7
