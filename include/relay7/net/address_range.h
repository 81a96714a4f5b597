#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace relay7 {

// The bytes of a numeric IP address: 4 for IPv4, 16 for IPv6 (as SocketAddress::address_bytes
// gives them).
struct IpAddress {
  std::array<unsigned char, 16> bytes{};
  uint8_t length = 0;  // 4 or 16

  std::string_view view() const { return {reinterpret_cast<const char*>(bytes.data()), length}; }
};

// "192.0.2.7", "2001:db8::1" or "[2001:db8::1]"; nullopt for anything else (names, ports).
std::optional<IpAddress> parse_ip_address(std::string_view text);

// An address block such as "10.0.0.0/8" or "::1" (a single address is its own block).
struct AddressRange {
  IpAddress network;
  unsigned prefix = 0;  // bits of `network` that must match

  // `address` as SocketAddress::address_bytes or IpAddress::view gives it. An IPv4 address never
  // falls in an IPv6 block, nor the other way round.
  bool contains(std::string_view address) const;
  // "10.0.0.0/8", or the address alone for a block of one.
  std::string to_string() const;
  bool operator==(const AddressRange& other) const {
    return network.bytes == other.network.bytes && network.length == other.network.length &&
           prefix == other.prefix;
  }
};

// Parses "ADDRESS[/PREFIX]"; nullopt with `error` set (what is wrong, in words) otherwise. Bits
// set past the prefix ("10.0.0.1/8") are an error: they would suggest a block that is not the
// one matched.
std::optional<AddressRange> parse_address_range(std::string_view text, std::string& error);

}  // namespace relay7
