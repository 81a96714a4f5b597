#include "relay7/net/listen_socket.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace relay7 {
namespace {

bool fail(const char* what, const SocketAddress& address, std::string& error) {
  error = std::string(what) + " " + address.to_string() + ": " + std::strerror(errno);
  return false;
}

// A socket for `address` with the options every relay7 listener has, bound unless bind fails.
UniqueFd bound_socket(const SocketAddress& address, bool reuse_port, std::string& error) {
  UniqueFd fd(::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    fail("cannot create a socket for", address, error);
    return fd;
  }
  const int one = 1;
  // Lets a restarted relay7 bind while connections of the previous one sit in TIME_WAIT.
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (address.family() == AF_INET6) {
    // "[::]:80" means IPv6 only, so that "80" (0.0.0.0:80) can be listed beside it.
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  }
  if (reuse_port && ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
    fail("cannot set SO_REUSEPORT for", address, error);
    return UniqueFd();
  }
  if (::bind(fd.get(), address.raw(), address.length) != 0) {
    fail("cannot bind", address, error);
    return UniqueFd();
  }
  return fd;
}

}  // namespace

UniqueFd bind_reuseport_socket(const SocketAddress& address, std::string& error) {
  return bound_socket(address, true, error);
}

bool start_listening(int fd, const SocketAddress& address, std::string& error, int backlog) {
  return ::listen(fd, backlog) == 0 || fail("cannot listen on", address, error);
}

// The probe is bound exactly like a listener, SO_REUSEADDR included, so that it fails for the
// same reasons a listener would, except for sharing the port.
bool probe_exclusive_bind(const SocketAddress& address, std::string& error) {
  return bound_socket(address, false, error).valid();
}

}  // namespace relay7
