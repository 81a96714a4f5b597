#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <string>
#include <vector>

namespace relay7 {

// Positions in an SO_REUSEPORT group: the kernel numbers a group's listening sockets in the order
// they called listen().
using GroupIndices = std::vector<uint16_t>;

// A classic BPF program for SO_ATTACH_REUSEPORT_CBPF that hands each new connection to one of
// `indices` (not empty), picked at random. Random rather than the kernel's hash of the addresses:
// as even, and a SYN that a full backlog dropped is retried on another socket, not the same one.
std::vector<sock_filter> steering_program(const GroupIndices& indices);

// Attaches steering_program(indices) to the group that the listening socket `member_fd` belongs
// to; it replaces the program the group had.
bool attach_steering(int member_fd, const GroupIndices& indices, std::string& error);

}  // namespace relay7
