#include "ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <thread>

#include "relay7/net/unique_fd.h"

namespace relay7::testing {
namespace {

sockaddr_in loopback_address(const char* host, uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (inet_pton(AF_INET, host, &address.sin_addr) != 1) {
    throw std::invalid_argument(std::string("not an IPv4 address: ") + host);
  }
  return address;
}

}  // namespace

uint16_t free_port() {
  // Ephemeral ports (32768+ on Linux) never collide with the fixed ports of the demo.
  for (int attempt = 0; attempt < 100; ++attempt) {
    UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid())
      throw std::runtime_error("socket() failed");
    sockaddr_in address = loopback_address("127.0.0.1", 0);
    if (bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
      continue;
    socklen_t length = sizeof address;
    if (getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0)
      continue;
    const uint16_t port = ntohs(address.sin_port);
    if (port > 10000)
      return port;
  }
  throw std::runtime_error("could not find a free port");
}

bool wait_for_port(uint16_t port, std::chrono::milliseconds timeout, const char* host) {
  const sockaddr_in address = loopback_address(host, port);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (fd.valid() &&
        connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace relay7::testing
