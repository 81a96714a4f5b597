#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

#include "relay7/net/socket_address.h"

namespace relay7 {

// The address one position of a resolved name holds, as the master last published it in the
// shared state: one writer (the master), any number of readers (workers), neither ever waiting on
// the other. A sequence number around the write (a seqlock) lets a reader see whether it read
// the fields while they changed; every field is an atomic, so no read is a data race.
class PublishedAddress {
 public:
  // Master only. nullopt empties the position.
  void publish(const std::optional<SocketAddress>& address);
  // False when the read overlapped a write; the reader keeps what it had and tries again later.
  bool read(std::optional<SocketAddress>& address) const;

 private:
  std::atomic<uint32_t> sequence_{0};        // odd while a write is under way
  std::atomic<uint32_t> family_port_{0};     // family << 16 | port; 0: the position is empty
  std::atomic<uint32_t> scope_id_{0};        // IPv6 only
  std::atomic<uint64_t> bytes_[2] = {0, 0};  // the address, IPv4 in the first 4 bytes
};

}  // namespace relay7
