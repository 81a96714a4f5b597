#include "config/host_port.h"

#include <netdb.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "config/json_path.h"

namespace relay7::config {
namespace {

constexpr std::string_view kExpected = " (expected HOST:PORT or [IPv6]:PORT)";

struct HostPort {
  std::string host;
  std::string port;
  bool bracketed = false;
};

struct SplitResult {
  std::optional<HostPort> parts;
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
  HostPort parts;
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
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
  });
}

ResolvedAddress resolve_name(const HostPort& parts, std::string_view text) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const int status = getaddrinfo(parts.host.c_str(), parts.port.c_str(), &hints, &found);
  const std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owner(found, &freeaddrinfo);
  if (status != 0 || found == nullptr) {
    return {std::nullopt, quote_json(text) + ": cannot resolve " + quote_json(parts.host) + ": " +
                              (status != 0 ? gai_strerror(status) : "no address")};
  }
  return {socket_address_from(found->ai_addr, found->ai_addrlen), {}};
}

}  // namespace

ResolvedAddress resolve_host_port(std::string_view text) {
  const auto split = split_host_port(text);
  if (!split.parts) {
    return {std::nullopt, split.error};
  }
  const HostPort& parts = *split.parts;
  if (const std::string problem = port_problem(parts.port); !problem.empty()) {
    return {std::nullopt, quote_json(text) + ": " + problem};
  }
  if (const auto numeric = parse_numeric_address(text)) {
    return {numeric, {}};
  }
  if (parts.bracketed) {
    return {std::nullopt,
            quote_json(text) + ": " + quote_json(parts.host) + " is not an IPv6 address"};
  }
  if (!plausible_host_name(parts.host)) {
    return {std::nullopt, quote_json(text) + " is not an address" + std::string(kExpected)};
  }
  return resolve_name(parts, text);
}

}  // namespace relay7::config
