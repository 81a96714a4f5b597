#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace relay7::testing {

// One line of /proc/net/tcp or /proc/net/tcp6.
struct TcpSocket {
  static constexpr int kEstablished = 0x01;
  static constexpr int kListen = 0x0A;

  std::string local_address;  // "127.0.0.1", "::1"
  uint16_t local_port = 0;
  std::string remote_address;
  uint16_t remote_port = 0;
  int state = 0;
  // The pending timer (tcp_get_info's "tr"): 0 none, 1 retransmit, 2 keepalive (or another
  // timer), 4 zero-window probe. An idle socket with SO_KEEPALIVE shows 2.
  int timer = 0;
  uint64_t inode = 0;

  bool established() const { return state == kEstablished; }
  bool listening() const { return state == kListen; }
};

// The TCP sockets (IPv4 and IPv6) that any of `pids` has open, found by matching the socket
// inodes in /proc/PID/fd against the kernel's socket tables. Lets a test see which connections
// a server really holds, e.g. whether a proxy reused its upstream connection.
std::vector<TcpSocket> tcp_sockets_of(const std::vector<pid_t>& pids);

// Whether `pid` itself has a socket listening on `port`: a server started by a test is ready
// (and is the one on that port, not another process that took it first).
bool process_listens_on(pid_t pid, uint16_t port);

}  // namespace relay7::testing
