#include "relay7/net/address_range.h"

#include <arpa/inet.h>

#include <charconv>

namespace relay7 {
namespace {

constexpr size_t kLongestAddressText = INET6_ADDRSTRLEN;

bool host_bits_clear(const IpAddress& address, unsigned prefix) {
  for (unsigned bit = prefix; bit < address.length * 8u; ++bit) {
    if ((address.bytes[bit / 8] >> (7 - bit % 8)) & 1) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<IpAddress> parse_ip_address(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty() || text.size() >= kLongestAddressText) {
    return std::nullopt;
  }
  char terminated[kLongestAddressText] = {};
  text.copy(terminated, text.size());
  IpAddress address;
  if (inet_pton(AF_INET, terminated, address.bytes.data()) == 1) {
    address.length = 4;
  } else if (inet_pton(AF_INET6, terminated, address.bytes.data()) == 1) {
    address.length = 16;
  } else {
    return std::nullopt;
  }
  return address;
}

bool AddressRange::contains(std::string_view address) const {
  if (address.size() != network.length) {
    return false;
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(address.data());
  unsigned bits = prefix;
  for (size_t i = 0; bits > 0; ++i, bits = bits > 8 ? bits - 8 : 0) {
    const unsigned char mask = bits >= 8 ? 0xff : static_cast<unsigned char>(0xff << (8 - bits));
    if ((bytes[i] & mask) != (network.bytes[i] & mask)) {
      return false;
    }
  }
  return true;
}

std::string AddressRange::to_string() const {
  char text[kLongestAddressText] = {};
  inet_ntop(network.length == 4 ? AF_INET : AF_INET6, network.bytes.data(), text, sizeof text);
  std::string out(text);
  if (prefix != network.length * 8u) {
    out.append("/").append(std::to_string(prefix));
  }
  return out;
}

std::optional<AddressRange> parse_address_range(std::string_view text, std::string& error) {
  const size_t slash = text.find('/');
  const std::optional<IpAddress> network = parse_ip_address(text.substr(0, slash));
  if (!network) {
    error = "is not an IP address or an address block such as \"10.0.0.0/8\"";
    return std::nullopt;
  }
  AddressRange range{*network, network->length * 8u};
  if (slash == std::string_view::npos) {
    return range;
  }
  const std::string_view digits = text.substr(slash + 1);
  const auto [end, failure] =
      std::from_chars(digits.data(), digits.data() + digits.size(), range.prefix);
  if (digits.empty() || failure != std::errc() || end != digits.data() + digits.size() ||
      range.prefix > network->length * 8u) {
    error = "has an invalid prefix length (0 to " + std::to_string(network->length * 8) + ")";
    return std::nullopt;
  }
  if (!host_bits_clear(*network, range.prefix)) {
    error = "has bits set past its /" + std::to_string(range.prefix) + " prefix";
    return std::nullopt;
  }
  return range;
}

}  // namespace relay7
