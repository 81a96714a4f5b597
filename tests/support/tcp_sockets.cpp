#include "tcp_sockets.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

namespace relay7::testing {
namespace {

// Inodes of the sockets among the open descriptors of `pid` ("socket:[12345]" links).
void collect_socket_inodes(pid_t pid, std::set<uint64_t>& inodes) {
  static constexpr std::string_view kPrefix = "socket:[";
  std::error_code error;
  const std::filesystem::path fd_dir = "/proc/" + std::to_string(pid) + "/fd";
  for (const auto& entry : std::filesystem::directory_iterator(fd_dir, error)) {
    std::error_code link_error;
    const std::string target = std::filesystem::read_symlink(entry.path(), link_error).string();
    if (link_error || target.rfind(kPrefix, 0) != 0 || target.back() != ']')
      continue;
    const std::string digits = target.substr(kPrefix.size(), target.size() - kPrefix.size() - 1);
    inodes.insert(std::stoull(digits));
  }
}

// The kernel prints each 32-bit word of the address as the hex of its in-memory value, so
// storing the parsed words back into memory as they are restores the network byte order.
std::string format_address(const std::string& hex) {
  uint32_t words[4] = {};
  const size_t count = hex.size() / 8;
  for (size_t i = 0; i < count && i < 4; ++i)
    words[i] = static_cast<uint32_t>(std::stoul(hex.substr(i * 8, 8), nullptr, 16));
  char text[INET6_ADDRSTRLEN] = {};
  if (count == 1) {
    in_addr address{};
    address.s_addr = words[0];
    inet_ntop(AF_INET, &address, text, sizeof text);
  } else {
    in6_addr address{};
    std::memcpy(&address, words, sizeof address);
    inet_ntop(AF_INET6, &address, text, sizeof text);
  }
  return text;
}

// "0100007F:1F90" -> address and port.
void parse_endpoint(const std::string& field, std::string& address, uint16_t& port) {
  const size_t colon = field.find(':');
  address = format_address(field.substr(0, colon));
  port = static_cast<uint16_t>(std::stoul(field.substr(colon + 1), nullptr, 16));
}

void read_table(const char* path, const std::set<uint64_t>& inodes, std::vector<TcpSocket>& out) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // the column titles
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout;
    uint64_t inode = 0;
    fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
        timeout >> inode;
    if (!fields || inodes.count(inode) == 0)
      continue;
    TcpSocket socket;
    parse_endpoint(local, socket.local_address, socket.local_port);
    parse_endpoint(remote, socket.remote_address, socket.remote_port);
    socket.state = static_cast<int>(std::stoul(state, nullptr, 16));
    // "tr:tm->when": the kind of timer pending, then when it fires.
    socket.timer = static_cast<int>(std::stoul(timer.substr(0, timer.find(':')), nullptr, 16));
    socket.inode = inode;
    out.push_back(std::move(socket));
  }
}

}  // namespace

std::vector<TcpSocket> tcp_sockets_of(const std::vector<pid_t>& pids) {
  std::set<uint64_t> inodes;
  for (pid_t pid : pids)
    collect_socket_inodes(pid, inodes);
  std::vector<TcpSocket> sockets;
  read_table("/proc/net/tcp", inodes, sockets);
  read_table("/proc/net/tcp6", inodes, sockets);
  return sockets;
}

bool process_listens_on(pid_t pid, uint16_t port) {
  for (const TcpSocket& socket : tcp_sockets_of({pid})) {
    if (socket.listening() && socket.local_port == port) {
      return true;
    }
  }
  return false;
}

}  // namespace relay7::testing
