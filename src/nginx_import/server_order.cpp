#include "nginx_import/server_order.h"

#include <algorithm>
#include <optional>

#include "config/listen_address.h"
#include "nginx_import/values.h"

namespace relay7::nginx_import {
namespace {

std::optional<SocketAddress> address_of(const ListenModel& listen) {
  return config::parse_listen_address(listen.text).address;
}

bool listens_on(const ServerModel& server, const SocketAddress& address) {
  return std::any_of(server.listen.begin(), server.listen.end(), [&](const ListenModel& l) {
    const auto other = address_of(l);
    return other && *other == address;
  });
}

// Index of the first server block listening on `address`.
size_t first_on(const std::vector<ServerModel>& servers, const SocketAddress& address) {
  for (size_t i = 0; i < servers.size(); ++i) {
    if (listens_on(servers[i], address)) {
      return i;
    }
  }
  return servers.size();
}

struct DefaultMark {
  SourceRef server;  // identifies the block: servers move, their sequence numbers do not
  SourceRef listen;
  SocketAddress address;
};

size_t index_of(const std::vector<ServerModel>& servers, const SourceRef& server) {
  for (size_t i = 0; i < servers.size(); ++i) {
    if (servers[i].where.sequence == server.sequence) {
      return i;
    }
  }
  return servers.size();
}

}  // namespace

void put_default_servers_first(ConfigModel& model, MessageList& messages) {
  std::vector<DefaultMark> marks;
  for (const ServerModel& server : model.servers) {
    for (const ListenModel& listen : server.listen) {
      const auto address = address_of(listen);
      if (listen.default_server && address) {
        marks.push_back(DefaultMark{server.where, listen.where, *address});
      }
    }
  }
  auto& servers = model.servers;
  for (const DefaultMark& mark : marks) {
    const size_t from = index_of(servers, mark.server);
    const size_t to = first_on(servers, mark.address);
    if (to < from) {
      std::rotate(servers.begin() + static_cast<std::ptrdiff_t>(to),
                  servers.begin() + static_cast<std::ptrdiff_t>(from),
                  servers.begin() + static_cast<std::ptrdiff_t>(from) + 1);
    }
  }
  for (const DefaultMark& mark : marks) {
    if (first_on(servers, mark.address) != index_of(servers, mark.server)) {
      messages.error(mark.listen,
                     "not translated: default_server (relay7's default server of an address is "
                     "the first block listening on it, and this block cannot come first on " +
                         quote_text(mark.address.to_string()) +
                         " as well as on its other addresses)");
    }
  }
}

}  // namespace relay7::nginx_import
