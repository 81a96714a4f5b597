#include "relay7/net/socket_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <gtest/gtest.h>

namespace relay7 {
namespace {

TEST(SocketAddressTest, ParsesIpv4) {
  const auto address = parse_numeric_address("127.0.0.1:8080");
  ASSERT_TRUE(address.has_value());
  EXPECT_EQ(address->family(), AF_INET);
  EXPECT_EQ(address->length, sizeof(sockaddr_in));
  EXPECT_EQ(address->port(), 8080);
  EXPECT_EQ(address->to_string(), "127.0.0.1:8080");
  EXPECT_EQ(address->host_string(), "127.0.0.1");
  EXPECT_EQ(address->address_bytes(), std::string_view("\x7f\x00\x00\x01", 4));
}

TEST(SocketAddressTest, ParsesIpv6InBrackets) {
  const auto address = parse_numeric_address("[::1]:8080");
  ASSERT_TRUE(address.has_value());
  EXPECT_EQ(address->family(), AF_INET6);
  EXPECT_EQ(address->length, sizeof(sockaddr_in6));
  EXPECT_EQ(address->port(), 8080);
  EXPECT_EQ(address->to_string(), "[::1]:8080");
  EXPECT_EQ(address->host_string(), "::1");
  ASSERT_EQ(address->address_bytes().size(), 16u);
  EXPECT_EQ(address->address_bytes(), std::string(15, '\0') + '\x01');
}

TEST(SocketAddressTest, FormatsFullIpv6Compactly) {
  const auto address = parse_numeric_address("[2001:DB8:0:0:0:0:0:1]:443");
  ASSERT_TRUE(address.has_value());
  EXPECT_EQ(address->to_string(), "[2001:db8::1]:443");
}

TEST(SocketAddressTest, AcceptsPortZeroAndMaximum) {
  EXPECT_EQ(parse_numeric_address("0.0.0.0:0")->port(), 0);
  EXPECT_EQ(parse_numeric_address("10.1.2.3:65535")->port(), 65535);
}

TEST(SocketAddressTest, RejectsMalformedText) {
  for (const char* text :
       {"", "127.0.0.1", "127.0.0.1:", ":80", "127.0.0.1:65536", "127.0.0.1:80a", "127.0.0.1:+80",
        "127.0.0.1: 80", "localhost:80", "256.0.0.1:80", "1.2.3:80", "::1:80", "[::1]", "[::1]80",
        "[::1:80", "[127.0.0.1]:80", "[localhost]:80", "*:80", " 127.0.0.1:80"}) {
    EXPECT_FALSE(parse_numeric_address(text).has_value()) << text;
  }
}

TEST(SocketAddressTest, EqualityComparesFamilyAddressAndPort) {
  const auto a = parse_numeric_address("127.0.0.1:80");
  EXPECT_EQ(*a, *parse_numeric_address("127.0.0.1:80"));
  EXPECT_FALSE(*a == *parse_numeric_address("127.0.0.1:81"));
  EXPECT_FALSE(*a == *parse_numeric_address("127.0.0.2:80"));
  EXPECT_FALSE(*a == *parse_numeric_address("[::ffff:127.0.0.1]:80"));
  EXPECT_EQ(*parse_numeric_address("[::1]:80"), *parse_numeric_address("[0:0::1]:80"));
}

TEST(SocketAddressTest, EqualityIgnoresPadding) {
  auto a = *parse_numeric_address("127.0.0.1:80");
  auto b = a;
  reinterpret_cast<sockaddr_in*>(&b.storage)->sin_zero[3] = 7;
  EXPECT_EQ(a, b);
}

TEST(SocketAddressTest, CopiesFromKernelSockaddr) {
  sockaddr_in6 raw{};
  raw.sin6_family = AF_INET6;
  raw.sin6_port = htons(9000);
  ASSERT_EQ(inet_pton(AF_INET6, "fe80::2", &raw.sin6_addr), 1);
  const auto address = socket_address_from(reinterpret_cast<const sockaddr*>(&raw), sizeof(raw));
  EXPECT_EQ(address.length, sizeof(raw));
  EXPECT_EQ(address.to_string(), "[fe80::2]:9000");
  EXPECT_EQ(address, *parse_numeric_address("[fe80::2]:9000"));
}

TEST(SocketAddressTest, EmptyAddressHasNoBytesOrPort) {
  const SocketAddress empty;
  EXPECT_EQ(empty.port(), 0);
  EXPECT_TRUE(empty.address_bytes().empty());
  EXPECT_EQ(empty.host_string(), "");
  EXPECT_EQ(socket_address_from(nullptr, 0).length, 0u);
}

}  // namespace
}  // namespace relay7
