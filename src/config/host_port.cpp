#include "config/host_port.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include "config/json_path.h"
#include "relay7/resolver/lookup_result.h"

namespace relay7::config {
namespace {

constexpr std::string_view kExpected = " (expected HOST:PORT or [IPv6]:PORT)";
// A DNS name is at most 253 characters; anything longer is not worth a lookup.
constexpr size_t kMaxNameLength = 253;

struct SplitText {
  std::string host;
  std::string port;
  bool bracketed = false;
};

struct SplitResult {
  std::optional<SplitText> parts;
  std::string error;
};

SplitResult fail(std::string error) {
  return SplitResult{std::nullopt, std::move(error)};
}

SplitResult split_host_port(std::string_view text) {
  const std::string shown = quote_json(text);
  if (text.empty()) {
    return fail(shown + " is not an address" + std::string(kExpected));
  }
  SplitText parts;
  std::string_view rest;
  if (text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      return fail(shown + " is not an address" + std::string(kExpected));
    }
    parts.host = text.substr(1, close - 1);
    parts.bracketed = true;
    rest = text.substr(close + 1);
  } else {
    const auto colon = text.find(':');
    if (colon != std::string_view::npos && text.find(':', colon + 1) != std::string_view::npos) {
      return fail(shown + ": an IPv6 address must be in brackets, e.g. \"[::1]:8080\"");
    }
    parts.host = text.substr(0, std::min(colon, text.size()));
    rest = colon == std::string_view::npos ? std::string_view() : text.substr(colon);
  }
  if (rest.empty()) {
    return fail(shown + " has no port" + std::string(kExpected));
  }
  if (rest.front() != ':' || parts.host.empty()) {
    return fail(shown + " is not an address" + std::string(kExpected));
  }
  parts.port = rest.substr(1);
  return SplitResult{std::move(parts), {}};
}

// Why `port` is unusable, or "" when it is fine.
std::string port_problem(const std::string& port) {
  if (port.empty() ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return quote_json(port) + " is not a port (expected 1..65535)";
  }
  if (port.size() > 5 || std::stoi(port) < 1 || std::stoi(port) > 65535) {
    return "port " + port + " is out of range (1..65535)";
  }
  return {};
}

// Keeps obvious garbage away from the resolver, which could otherwise spend a DNS round trip.
bool plausible_host_name(const std::string& host) {
  return host.size() <= kMaxNameLength && std::all_of(host.begin(), host.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
         });
}

std::string lower_case(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// An upstream "HOST:PORT", checked but not resolved.
struct HostPort {
  std::optional<SocketAddress> literal;  // set when HOST is an IP address
  std::string name;                      // otherwise HOST, lower-cased
  uint16_t port = 0;
};

struct HostPortResult {
  std::optional<HostPort> host_port;
  std::string error;  // why the text is unusable, naming it; empty on success
};

HostPortResult parse_host_port(std::string_view text) {
  const auto split = split_host_port(text);
  if (!split.parts) {
    return {std::nullopt, split.error};
  }
  const SplitText& parts = *split.parts;
  if (const std::string problem = port_problem(parts.port); !problem.empty()) {
    return {std::nullopt, quote_json(text) + ": " + problem};
  }
  HostPort host_port;
  host_port.port = static_cast<uint16_t>(std::stoi(parts.port));
  if (const auto numeric = parse_numeric_address(text)) {
    host_port.literal = numeric;
    return {host_port, {}};
  }
  if (parts.bracketed) {
    return {std::nullopt,
            quote_json(text) + ": " + quote_json(parts.host) + " is not an IPv6 address"};
  }
  if (!plausible_host_name(parts.host)) {
    return {std::nullopt, quote_json(text) + " is not an address" + std::string(kExpected)};
  }
  host_port.name = lower_case(parts.host);
  return {host_port, {}};
}

}  // namespace

std::string assign_host_port(std::string_view text, UpstreamServerConfig& server,
                             HostLookups& lookups) {
  const HostPortResult parsed = parse_host_port(text);
  if (!parsed.host_port) {
    return parsed.error;
  }
  const HostPort& host_port = *parsed.host_port;
  std::vector<SocketAddress> addresses;
  std::optional<std::chrono::seconds> ttl;
  if (host_port.literal) {
    addresses.push_back(*host_port.literal);
  } else {
    const LookupResult& found = lookups.resolve(host_port.name);
    if (!found.ok()) {
      return quote_json(text) + ": cannot resolve " + quote_json(host_port.name) + ": " +
             found.error;
    }
    const size_t count = std::min(found.addresses.size(), kMaxAddressesPerName);
    for (size_t i = 0; i < count; ++i) {
      addresses.push_back(with_port(found.addresses[i], host_port.port));
    }
    ttl = found.ttl;
  }
  server.address_text = text;
  server.name = host_port.name;
  server.port = host_port.port;
  server.addresses = std::move(addresses);
  server.ttl = ttl;
  return {};
}

}  // namespace relay7::config
