#include "relay7/net/reuseport_group.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "relay7/net/listen_socket.h"

namespace relay7 {

std::shared_ptr<ReuseportGroup> ReuseportGroup::open(const SocketAddress& address,
                                                     std::string& error, int backlog) {
  // The first socket listens right after the probe, before any worker is ready (as a listener
  // without SO_REUSEPORT would), so that a second relay7 probing this address from then on fails;
  // only one probing in the same few microseconds could slip through.
  if (address.port() != 0 && !probe_exclusive_bind(address, error)) {
    return nullptr;
  }
  UniqueFd first = bind_reuseport_socket(address, error);
  if (!first.valid() || !start_listening(first.get(), address, error, backlog)) {
    return nullptr;
  }
  // With port 0 the kernel picked the port: the other sockets must bind that one.
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  if (::getsockname(first.get(), reinterpret_cast<sockaddr*>(&bound), &length) != 0) {
    error = "cannot read the address of " + address.to_string() + ": " + std::strerror(errno);
    return nullptr;
  }
  std::shared_ptr<ReuseportGroup> group(new ReuseportGroup(
      socket_address_from(reinterpret_cast<sockaddr*>(&bound), length), backlog));
  group->sockets_.push_back(std::move(first));
  return group;
}

std::optional<UnlistenedSockets> ReuseportGroup::bind_more(size_t count, std::string& error) const {
  UnlistenedSockets more{sockets_.size(), {}};
  for (size_t index = sockets_.size(); index < count; ++index) {
    UniqueFd fd = bind_reuseport_socket(address_, error);
    if (!fd.valid()) {
      return std::nullopt;
    }
    more.sockets.push_back(std::move(fd));
  }
  return more;
}

bool ReuseportGroup::listen_more(UnlistenedSockets more, std::string& error) {
  if (more.sockets.empty()) {
    return true;
  }
  if (more.first_index != sockets_.size()) {
    error = "sockets for " + address_.to_string() + " were bound for a group of " +
            std::to_string(more.first_index) + " sockets, not " + std::to_string(sockets_.size());
    return false;
  }
  if (steered_.empty()) {
    GroupIndices listening(sockets_.size());
    for (size_t i = 0; i < listening.size(); ++i) {
      listening[i] = static_cast<uint16_t>(i);
    }
    std::string ignored;  // without steering, the caller's steer() reports why
    steer(listening, ignored);
  }
  const size_t before = sockets_.size();
  for (UniqueFd& fd : more.sockets) {
    if (!start_listening(fd.get(), address_, error, backlog_)) {
      shrink_to(before);
      return false;
    }
    sockets_.push_back(std::move(fd));
  }
  return true;
}

bool ReuseportGroup::set_backlog(int backlog, std::string& error) {
  if (backlog == backlog_) {
    return true;
  }
  for (const UniqueFd& fd : sockets_) {
    if (!start_listening(fd.get(), address_, error, backlog)) {
      return false;
    }
  }
  backlog_ = backlog;
  return true;
}

void ReuseportGroup::shrink_to(size_t count) {
  while (sockets_.size() > count) {
    sockets_.pop_back();
  }
  if (std::any_of(steered_.begin(), steered_.end(), [count](uint16_t i) { return i >= count; })) {
    steered_.clear();  // the attached program names a socket that is gone: steer() anew
  }
}

bool ReuseportGroup::steer(const GroupIndices& indices, std::string& error) {
  if (indices == steered_) {
    return true;
  }
  for (uint16_t index : indices) {
    if (index >= sockets_.size()) {
      error = "cannot steer connections on " + address_.to_string() + " to socket " +
              std::to_string(index) + " of " + std::to_string(sockets_.size());
      return false;
    }
  }
  if (!attach_steering(sockets_.front().get(), indices, error)) {
    error = address_.to_string() + ": " + error;
    return false;
  }
  steered_ = indices;
  return true;
}

}  // namespace relay7
