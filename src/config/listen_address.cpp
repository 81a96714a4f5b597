#include "config/listen_address.h"

#include <algorithm>

#include "config/json_path.h"

namespace relay7::config {
namespace {

constexpr int kMaxPort = 65535;

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int port_number(std::string_view text) {
  // More digits than any port can have is out of range, not a different kind of mistake.
  if (text.size() > 5) {
    return kMaxPort + 1;
  }
  return std::stoi(std::string(text));
}

ListenAddress with_port(std::string_view host, std::string_view port) {
  const auto number = port_number(port);
  if (number < 1 || number > kMaxPort) {
    return {std::nullopt,
            "port " + std::string(port) + " is out of range (1.." + std::to_string(kMaxPort) + ")"};
  }
  return {parse_numeric_address(std::string(host) + ":" + std::to_string(number)), {}};
}

ListenAddress not_an_address(std::string_view text) {
  return {std::nullopt, quote_json(text) +
                            " is not an address (expected PORT, *:PORT, IPv4:PORT or [IPv6]:PORT)"};
}

}  // namespace

ListenAddress parse_listen_address(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    if (!all_digits(text)) {
      return {std::nullopt, quote_json(text) + " is not a port"};
    }
    return with_port("0.0.0.0", text);
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  if (host == "*") {
    host = "0.0.0.0";
  }
  // Checking the host with a stand-in port keeps "bad host" apart from "bad port".
  if (!all_digits(port) || !parse_numeric_address(std::string(host) + ":1")) {
    return not_an_address(text);
  }
  return with_port(host, port);
}

bool is_wildcard(const SocketAddress& address) {
  const std::string_view bytes = address.address_bytes();
  return !bytes.empty() && std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; });
}

}  // namespace relay7::config
