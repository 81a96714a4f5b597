#include "relay7/upstream/published_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace relay7 {
namespace {

// A reader makes at most this many tries in one go: a write is a handful of stores, so failing
// them all means the master is writing this position right now, and the next tick will do.
constexpr int kReadTries = 4;

}  // namespace

void PublishedAddress::publish(const std::optional<SocketAddress>& address) {
  uint32_t family_port = 0;
  uint32_t scope_id = 0;
  uint64_t bytes[2] = {0, 0};
  if (address && (address->family() == AF_INET || address->family() == AF_INET6)) {
    family_port = static_cast<uint32_t>(address->family()) << 16 | address->port();
    const std::string_view raw = address->address_bytes();
    std::memcpy(bytes, raw.data(), raw.size());
    if (address->family() == AF_INET6) {
      scope_id = reinterpret_cast<const sockaddr_in6*>(&address->storage)->sin6_scope_id;
    }
  }
  const uint32_t sequence = sequence_.load(std::memory_order_relaxed);
  sequence_.store(sequence + 1, std::memory_order_relaxed);
  // The odd sequence must be visible before any field changes.
  std::atomic_thread_fence(std::memory_order_release);
  family_port_.store(family_port, std::memory_order_relaxed);
  scope_id_.store(scope_id, std::memory_order_relaxed);
  bytes_[0].store(bytes[0], std::memory_order_relaxed);
  bytes_[1].store(bytes[1], std::memory_order_relaxed);
  sequence_.store(sequence + 2, std::memory_order_release);
}

bool PublishedAddress::read(std::optional<SocketAddress>& address) const {
  for (int attempt = 0; attempt < kReadTries; ++attempt) {
    const uint32_t before = sequence_.load(std::memory_order_acquire);
    if (before % 2 != 0) {
      continue;
    }
    const uint32_t family_port = family_port_.load(std::memory_order_relaxed);
    const uint32_t scope_id = scope_id_.load(std::memory_order_relaxed);
    const uint64_t bytes[2] = {bytes_[0].load(std::memory_order_relaxed),
                               bytes_[1].load(std::memory_order_relaxed)};
    // The fields must be read before the sequence is checked again.
    std::atomic_thread_fence(std::memory_order_acquire);
    if (sequence_.load(std::memory_order_relaxed) != before) {
      continue;
    }
    const int family = static_cast<int>(family_port >> 16);
    const uint16_t port = static_cast<uint16_t>(family_port & 0xffff);
    if (family == AF_INET) {
      SocketAddress ipv4;
      auto& raw = *reinterpret_cast<sockaddr_in*>(&ipv4.storage);
      raw.sin_family = AF_INET;
      raw.sin_port = htons(port);
      std::memcpy(&raw.sin_addr, bytes, sizeof raw.sin_addr);
      ipv4.length = sizeof(sockaddr_in);
      address = ipv4;
    } else if (family == AF_INET6) {
      SocketAddress ipv6;
      auto& raw = *reinterpret_cast<sockaddr_in6*>(&ipv6.storage);
      raw.sin6_family = AF_INET6;
      raw.sin6_port = htons(port);
      raw.sin6_scope_id = scope_id;
      std::memcpy(&raw.sin6_addr, bytes, sizeof raw.sin6_addr);
      ipv6.length = sizeof(sockaddr_in6);
      address = ipv6;
    } else {
      address.reset();
    }
    return true;
  }
  return false;
}

}  // namespace relay7
