#include "relay7/net/reuseport_steering.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace relay7 {
namespace {

bool is_prefix_of_group(const GroupIndices& indices) {
  for (size_t i = 0; i < indices.size(); ++i) {
    if (indices[i] != i) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::vector<sock_filter> steering_program(const GroupIndices& indices) {
  const auto count = static_cast<uint32_t>(indices.size());
  std::vector<sock_filter> program = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, static_cast<uint32_t>(SKF_AD_OFF + SKF_AD_RANDOM)),
      BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, count),
  };
  if (is_prefix_of_group(indices)) {
    program.push_back(BPF_STMT(BPF_RET | BPF_A, 0));
    return program;
  }
  // A lookup table as a chain of comparisons: a group has at most 1024 (workers) entries, so it
  // stays within BPF_MAXINSNS, and it is only this long while some worker slot is out.
  for (uint32_t k = 0; k < count; ++k) {
    program.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, k, 0, 1));
    program.push_back(BPF_STMT(BPF_RET | BPF_K, indices[k]));
  }
  program.push_back(BPF_STMT(BPF_RET | BPF_K, indices.front()));
  return program;
}

bool attach_steering(int member_fd, const GroupIndices& indices, std::string& error) {
  if (indices.empty()) {
    error = "no socket to steer connections to";
    return false;
  }
  std::vector<sock_filter> program = steering_program(indices);
  const sock_fprog attached{static_cast<unsigned short>(program.size()), program.data()};
  if (::setsockopt(member_fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &attached, sizeof attached) !=
      0) {
    error = std::string("cannot attach a steering program (SO_ATTACH_REUSEPORT_CBPF): ") +
            std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace relay7
