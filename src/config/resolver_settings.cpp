#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "config/global_settings.h"
#include "config/json_path.h"

namespace relay7::config {
namespace {

constexpr uint16_t kDnsPort = 53;

// "IP", "IP:PORT" or "[IPv6]:PORT"; a bare IPv6 address is taken whole, never split at a colon.
std::optional<SocketAddress> parse_nameserver(const std::string& text) {
  if (auto address = parse_numeric_address(text)) {
    return address;
  }
  const std::string port = ":" + std::to_string(kDnsPort);
  if (auto ipv4 = parse_numeric_address(text + port)) {
    return ipv4;
  }
  return parse_numeric_address("[" + text + "]" + port);
}

void read_nameservers(const Node& node, ResolverConfig& resolver, Diagnostics& diagnostics) {
  const auto entries = read_array(node, "nameserver addresses", diagnostics);
  if (!entries) {
    return;
  }
  std::vector<SocketAddress> nameservers;
  for (const Node& entry : *entries) {
    const auto text = read_string(entry, diagnostics);
    if (!text) {
      continue;
    }
    const auto address = parse_nameserver(*text);
    if (!address || address->port() == 0) {
      diagnostics.error(entry.path, quote_json(*text) +
                                        " is not a nameserver address (expected IP, IPv4:PORT "
                                        "or [IPv6]:PORT)");
      continue;
    }
    if (std::find(nameservers.begin(), nameservers.end(), *address) != nameservers.end()) {
      diagnostics.error(entry.path, quote_json(*text) + " is listed twice");
      continue;
    }
    nameservers.push_back(*address);
  }
  resolver.nameservers = std::move(nameservers);
}

// c-ares takes a hosts file it cannot open for an empty one, which would turn a typo into names
// that resolve through DNS instead: the file must be readable when the config is loaded.
void read_hosts_file(const Node& node, ResolverConfig& resolver, Diagnostics& diagnostics) {
  const auto path = read_non_empty_string(node, diagnostics);
  if (!path) {
    return;
  }
  errno = 0;
  const std::unique_ptr<std::FILE, decltype(&std::fclose)> file(std::fopen(path->c_str(), "r"),
                                                                &std::fclose);
  if (!file) {
    diagnostics.error(node.path, quote_json(*path) + ": cannot read: " + std::strerror(errno));
    return;
  }
  resolver.hosts_file = *path;
}

}  // namespace

void read_resolver(const Node& node, ResolverConfig& resolver, Diagnostics& diagnostics) {
  const auto object = ObjectReader::open(node, {"hosts_file", "nameservers"}, diagnostics);
  if (!object) {
    return;
  }
  if (const auto hosts_file = object->find("hosts_file")) {
    read_hosts_file(*hosts_file, resolver, diagnostics);
  }
  if (const auto nameservers = object->find("nameservers")) {
    read_nameservers(*nameservers, resolver, diagnostics);
  }
}

}  // namespace relay7::config
