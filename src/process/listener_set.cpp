#include "relay7/process/listener_set.h"

#include "relay7/net/listen_socket.h"

namespace relay7 {

std::optional<std::vector<SharedListenSocket>> ListenerSet::acquire(
    const std::vector<ListenerRoutes>& listeners, std::string& error) {
  std::vector<SharedListenSocket> sockets;
  std::vector<std::pair<std::string, SharedListenSocket>> opened;
  for (const ListenerRoutes& listener : listeners) {
    const std::string key = listener.address.to_string();
    if (SharedListenSocket open = by_address_[key].lock()) {
      sockets.push_back(std::move(open));
      continue;
    }
    UniqueFd fd = open_listen_socket(listener.address, error);
    if (!fd.valid()) {
      return std::nullopt;
    }
    auto socket = std::make_shared<const UniqueFd>(std::move(fd));
    opened.emplace_back(key, socket);
    sockets.push_back(std::move(socket));
  }
  for (auto& [key, socket] : opened) {
    by_address_[key] = socket;
  }
  return sockets;
}

std::vector<int> ListenerSet::open_descriptors() {
  std::vector<int> fds;
  for (auto it = by_address_.begin(); it != by_address_.end();) {
    if (SharedListenSocket socket = it->second.lock()) {
      fds.push_back(socket->get());
      ++it;
    } else {
      it = by_address_.erase(it);
    }
  }
  return fds;
}

}  // namespace relay7
