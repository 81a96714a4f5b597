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

// The entry of `block` for the address of `at`: an address is listed once per block.
const ListenConfig& entry_for(const ServerBlock& block, const ListenConfig& at) {
  for (const ListenConfig& listen : block.config.listen) {
    if (listen.address == at.address) {
      return listen;
    }
  }
  return at;  // not reached: the block was found by this address
}

// The options of an address are the socket's, set before any byte says which block a connection
// is for: every block listing the address sets them alike. Empty when they agree.
std::string listen_option_conflict(const ListenConfig& here, const ListenConfig& first) {
  if (here.h2c != first.h2c) {
    return "h2c";
  }
  if (here.proxy_protocol != first.proxy_protocol) {
    return "proxy_protocol";
  }
  if (here.backlog != first.backlog) {
    return "backlog";
  }
  return "";
}

// A connection is TLS or not before any byte says which block it is for, and a TLS handshake
// starts with the first block's settings before SNI picks one: so every block on an address
// serves TLS or none does, and TLS blocks on one address agree on what applies before SNI.
void check_tls_sharing(const std::vector<ServerBlock>& blocks, Diagnostics& diagnostics) {
  std::map<std::string, const ServerBlock*> first_block;  // address -> first block listening
  for (const auto& block : blocks) {
    for (size_t i = 0; i < block.config.listen.size(); ++i) {
      const std::string address = block.config.listen[i].address.to_string();
      const auto [first, inserted] = first_block.emplace(address, &block);
      if (inserted) {
        continue;
      }
      const auto& tls = block.config.tls;
      const auto& first_tls = first->second->config.tls;
      const ListenConfig& here = block.config.listen[i];
      const std::string option = listen_option_conflict(here, entry_for(*first->second, here));
      if (!option.empty()) {
        diagnostics.error(
            listen_path(block, i),
            address + " must set " + option + " as " + first->second->path +
                (option == "h2c" ? " does: the connection preface comes before any Host"
                                 : " does: it belongs to the address, not to a block"));
      } else if (tls.has_value() != first_tls.has_value()) {
        diagnostics.error(listen_path(block, i),
                          address +
                              (tls ? " is served with TLS here but without it by "
                                   : " is served without TLS here but with it by ") +
                              first->second->path +
                              ": an address cannot mix TLS and plain server blocks; use another "
                              "port for one of them");
      } else if (tls && (tls->protocols != first_tls->protocols ||
                         tls->handshake_timeout != first_tls->handshake_timeout)) {
        diagnostics.error(path_key(block.path, "tls"),
                          "protocols and handshake_timeout must be those of " +
                              first->second->path + ", the first block on " + address +
                              ": they apply before SNI picks a block");
      }
    }
  }
}

}  // namespace

void check_listen_conflicts(const std::vector<ServerBlock>& blocks, Diagnostics& diagnostics) {
  check_name_conflicts(blocks, diagnostics);
  check_wildcard_conflicts(blocks, diagnostics);
  check_tls_sharing(blocks, diagnostics);
}

}  // namespace relay7::config
