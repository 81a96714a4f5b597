#include "config/listen_conflicts.h"

#include <map>
#include <set>
#include <utility>

#include "config/json_path.h"
#include "config/listen_address.h"

namespace relay7::config {
namespace {

std::string listen_path(const ServerBlock& block, size_t listen_index) {
  return path_index(block.path + ".listen", block.listen_positions[listen_index]);
}

void check_name_conflicts(const std::vector<ServerBlock>& blocks, Diagnostics& diagnostics) {
  // (address, server name) -> path of the block that claimed it; "" stands for "no names".
  std::map<std::pair<std::string, std::string>, std::string> owners;
  const std::vector<std::string> unnamed{""};
  for (const auto& block : blocks) {
    const auto& names = block.config.server_names.empty() ? unnamed : block.config.server_names;
    for (const auto& listen : block.config.listen) {
      const std::string address = listen.address.to_string();
      for (const auto& name : names) {
        const auto [owner, inserted] = owners.emplace(std::make_pair(address, name), block.path);
        if (inserted) {
          continue;
        }
        diagnostics.error(block.path,
                          name.empty() ? owner->second + " already listens on " + address +
                                             " without server_names; give one of them server_names"
                                       : "server name " + quote_json(name) + " on " + address +
                                             " is already used by " + owner->second);
      }
    }
  }
}

struct ListenSite {
  const SocketAddress* address;
  std::string path;
};

// Binding 0.0.0.0:P fails with EADDRINUSE once 127.0.0.1:P is bound (and vice versa).
void check_wildcard_conflicts(const std::vector<ServerBlock>& blocks, Diagnostics& diagnostics) {
  std::map<std::pair<int, uint16_t>, ListenSite> wildcards;  // (family, port) -> first site
  std::vector<ListenSite> specific;
  std::set<std::string> specific_seen;
  for (const auto& block : blocks) {
    for (size_t i = 0; i < block.config.listen.size(); ++i) {
      const SocketAddress& address = block.config.listen[i].address;
      ListenSite site{&address, listen_path(block, i)};
      if (is_wildcard(address)) {
        wildcards.emplace(std::make_pair(address.family(), address.port()), std::move(site));
      } else if (specific_seen.insert(address.to_string()).second) {
        specific.push_back(std::move(site));
      }
    }
  }
  for (const auto& site : specific) {
    const auto wildcard = wildcards.find({site.address->family(), site.address->port()});
    if (wildcard == wildcards.end()) {
      continue;
    }
    diagnostics.error(site.path, site.address->to_string() + " conflicts with " +
                                     wildcard->second.address->to_string() + " at " +
                                     wildcard->second.path +
                                     ": a wildcard and a specific address on the same port "
                                     "cannot both be bound; use one of them");
  }
}

}  // namespace

void check_listen_conflicts(const std::vector<ServerBlock>& blocks, Diagnostics& diagnostics) {
  check_name_conflicts(blocks, diagnostics);
  check_wildcard_conflicts(blocks, diagnostics);
}

}  // namespace relay7::config
