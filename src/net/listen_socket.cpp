#include "relay7/net/listen_socket.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace relay7 {

UniqueFd open_listen_socket(const SocketAddress& address, std::string& error) {
  UniqueFd fd(::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  const auto fail = [&](const char* what) {
    error = std::string(what) + " " + address.to_string() + ": " + std::strerror(errno);
    return UniqueFd();
  };
  if (!fd.valid()) {
    return fail("cannot create a socket for");
  }
  const int one = 1;
  // Lets a restarted relay7 bind while connections of the previous one sit in TIME_WAIT.
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (address.family() == AF_INET6) {
    // "[::]:80" means IPv6 only, so that "80" (0.0.0.0:80) can be listed beside it.
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  }
  if (::bind(fd.get(), address.raw(), address.length) != 0) {
    return fail("cannot bind");
  }
  if (::listen(fd.get(), kListenBacklog) != 0) {
    return fail("cannot listen on");
  }
  return fd;
}

}  // namespace relay7
