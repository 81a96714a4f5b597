#include "relay7/pipeline/client_address.h"

#include <algorithm>

#include "relay7/http/ascii.h"

namespace relay7 {

bool is_trusted_proxy(const RealIpConfig& real_ip, std::string_view address) {
  return std::any_of(real_ip.from.begin(), real_ip.from.end(),
                     [address](const AddressRange& range) { return range.contains(address); });
}

namespace {

// Reads `list` ("a, b, c") from its right end. Returns true when an untrusted address ended the
// walk (it is in `client`); false to go on with the field before.
bool walk_list(const RealIpConfig& real_ip, std::string_view list, IpAddress& client,
               bool& stopped) {
  while (!list.empty()) {
    const size_t comma = list.rfind(',');
    const std::string_view entry =
        trim_ows(comma == std::string_view::npos ? list : list.substr(comma + 1));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(0, comma);
    if (entry.empty()) {
      continue;  // "a,,b": empty list elements are allowed (RFC 9110 section 5.6.1)
    }
    const std::optional<IpAddress> address = parse_ip_address(entry);
    if (!address) {
      stopped = true;
      return false;
    }
    client = *address;
    if (!is_trusted_proxy(real_ip, address->view())) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool client_address_from_header(const RealIpConfig& real_ip, std::string_view peer,
                                const HeaderList& headers, IpAddress& client) {
  if (!is_trusted_proxy(real_ip, peer)) {
    return false;
  }
  bool found = false;
  bool stopped = false;
  for (size_t i = headers.size(); i > 0 && !stopped; --i) {
    const Header& header = headers[i - 1];
    if (!iequals(header.name, real_ip.header)) {
      continue;
    }
    IpAddress candidate;
    const bool untrusted = walk_list(real_ip, header.value, candidate, stopped);
    if (candidate.length != 0) {
      client = candidate;
      found = true;
    }
    if (untrusted) {
      break;
    }
  }
  return found;
}

}  // namespace relay7
