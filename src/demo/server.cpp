#include "demo/server.h"

#include <netdb.h>
#include <sys/socket.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <utility>

namespace relay7::demo {
namespace {

struct AddrInfoDeleter {
  void operator()(addrinfo* info) const noexcept { freeaddrinfo(info); }
};
using AddrInfoPtr = std::unique_ptr<addrinfo, AddrInfoDeleter>;

AddrInfoPtr resolve(const std::string& host, uint16_t port, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const int status = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (status != 0) {
    error = "cannot resolve " + host + ": " + gai_strerror(status);
    return nullptr;
  }
  return AddrInfoPtr(found);
}

uint16_t bound_port(evutil_socket_t fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    return 0;
  if (address.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
  }
  return ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
}

}  // namespace

Server::Server(Options options) : options_(std::move(options)), base_(event_base_new()) {
  if (!base_)
    throw std::runtime_error("event_base_new failed");
  context_.base = base_.get();
  context_.log = &log_;
  reaper_.reset(event_new(base_.get(), -1, 0, on_reap, this));
  if (!reaper_)
    throw std::runtime_error("event_new failed");
}

Server::~Server() = default;

bool Server::listen(std::string& error) {
  const AddrInfoPtr address = resolve(options_.host, options_.port, error);
  if (!address)
    return false;
  listener_.reset(
      evconnlistener_new_bind(base_.get(), on_accept, this,
                              LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
                              1024, address->ai_addr, static_cast<int>(address->ai_addrlen)));
  if (!listener_) {
    error = "cannot listen on " + options_.host + ":" + std::to_string(options_.port) + ": " +
            std::strerror(errno);
    return false;
  }
  context_.port = bound_port(evconnlistener_get_fd(listener_.get()));
  context_.name =
      options_.name.empty() ? "backend-" + std::to_string(context_.port) : options_.name;
  if (!add_signal(SIGTERM, sigterm_) || !add_signal(SIGINT, sigint_)) {
    error = "cannot install signal handlers";
    return false;
  }
  return true;
}

bool Server::add_signal(int signal_number, EventPtr& slot) {
  slot.reset(evsignal_new(base_.get(), signal_number, on_signal, this));
  return slot && evsignal_add(slot.get(), nullptr) == 0;
}

void Server::run() {
  event_base_dispatch(base_.get());
}

void Server::on_accept(evconnlistener*, evutil_socket_t fd, sockaddr*, int, void* arg) {
  try {
    static_cast<Server*>(arg)->accept_connection(fd);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "relay7-demo-backend: cannot accept: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "relay7-demo-backend: cannot accept\n");
  }
}

void Server::accept_connection(evutil_socket_t fd) {
  live_.emplace_front();
  const ConnectionList::iterator slot = live_.begin();
  try {
    *slot = std::make_unique<Connection>(context_, fd, [this, slot] { retire(slot); });
  } catch (...) {
    live_.erase(slot);
    throw;
  }
}

void Server::retire(ConnectionList::iterator connection) noexcept {
  // Splicing allocates nothing and keeps the object alive until on_reap, after the callback
  // that closed it has returned.
  retired_.splice(retired_.end(), live_, connection);
  event_active(reaper_.get(), EV_TIMEOUT, 0);
}

void Server::on_reap(evutil_socket_t, short, void* arg) {
  static_cast<Server*>(arg)->retired_.clear();
}

void Server::on_signal(evutil_socket_t, short, void* arg) {
  event_base_loopexit(static_cast<Server*>(arg)->base_.get(), nullptr);
}

}  // namespace relay7::demo
