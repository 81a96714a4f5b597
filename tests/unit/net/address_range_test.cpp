#include "relay7/net/address_range.h"

#include <gtest/gtest.h>

namespace relay7 {
namespace {

AddressRange range(std::string_view text) {
  std::string error;
  const auto parsed = parse_address_range(text, error);
  EXPECT_TRUE(parsed) << text << ": " << error;
  return parsed.value_or(AddressRange{});
}

std::string error_of(std::string_view text) {
  std::string error;
  EXPECT_FALSE(parse_address_range(text, error)) << text;
  return error;
}

std::string bytes_of(std::string_view text) {
  const auto address = parse_ip_address(text);
  EXPECT_TRUE(address) << text;
  return address ? std::string(address->view()) : std::string();
}

TEST(AddressRangeTest, ParsesAddressesOfBothFamilies) {
  EXPECT_EQ(bytes_of("192.0.2.7"), std::string("\xc0\x00\x02\x07", 4));
  EXPECT_EQ(bytes_of("::1").size(), 16u);
  EXPECT_EQ(bytes_of("[::1]"), bytes_of("::1"));
  for (const char* text : {"", "example.com", "192.0.2.7:80", "[::1]:80", "1.2.3", "::g"}) {
    EXPECT_FALSE(parse_ip_address(text)) << text;
  }
}

TEST(AddressRangeTest, ABlockContainsTheAddressesOfItsPrefix) {
  const AddressRange ten = range("10.0.0.0/8");
  EXPECT_TRUE(ten.contains(bytes_of("10.255.1.2")));
  EXPECT_FALSE(ten.contains(bytes_of("11.0.0.1")));
  EXPECT_FALSE(ten.contains(bytes_of("::ffff:10.0.0.1")));  // another family
  const AddressRange odd = range("192.168.4.0/22");
  EXPECT_TRUE(odd.contains(bytes_of("192.168.7.255")));
  EXPECT_FALSE(odd.contains(bytes_of("192.168.8.0")));
  const AddressRange one = range("::1");
  EXPECT_TRUE(one.contains(bytes_of("::1")));
  EXPECT_FALSE(one.contains(bytes_of("::2")));
  EXPECT_TRUE(range("0.0.0.0/0").contains(bytes_of("203.0.113.1")));
  EXPECT_TRUE(range("2001:db8::/32").contains(bytes_of("2001:db8:ffff::1")));
}

TEST(AddressRangeTest, WritesItselfAsItWouldBeRead) {
  EXPECT_EQ(range("10.0.0.0/8").to_string(), "10.0.0.0/8");
  EXPECT_EQ(range("::1").to_string(), "::1");
  EXPECT_EQ(range("2001:db8::/32").to_string(), "2001:db8::/32");
}

TEST(AddressRangeTest, RefusesWhatIsNoBlock) {
  EXPECT_EQ(error_of("10.0.0.1/8"), "has bits set past its /8 prefix");
  EXPECT_EQ(error_of("10.0.0.0/33"), "has an invalid prefix length (0 to 32)");
  EXPECT_EQ(error_of("::/129"), "has an invalid prefix length (0 to 128)");
  EXPECT_EQ(error_of("10.0.0.0/"), "has an invalid prefix length (0 to 32)");
  EXPECT_EQ(error_of("10.0.0.0/8x"), "has an invalid prefix length (0 to 32)");
  EXPECT_EQ(error_of("proxy.internal"),
            "is not an IP address or an address block such as \"10.0.0.0/8\"");
}

}  // namespace
}  // namespace relay7
