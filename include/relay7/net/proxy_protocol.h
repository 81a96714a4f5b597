#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "relay7/net/socket_address.h"

namespace relay7 {

// A v1 header is at most this long, CRLF included (the spec's own bound).
inline constexpr size_t kProxyV1MaxLength = 107;
// v2: the 16-byte fixed part, then up to 65535 bytes of addresses and TLVs (a 16-bit length).
inline constexpr size_t kProxyV2FixedLength = 16;

// Reads the PROXY protocol header (v1 text or v2 binary, HAProxy's proxy-protocol.txt) that an
// L4 balancer sends before the client's first byte. Incremental: feed() takes the bytes as they
// arrive, split anywhere, and never looks past the header, so the caller can leave what follows
// it in the socket for TLS or HTTP. Everything is checked as hostile input; the first bad byte
// ends the parse with a reason.
//
// What is accepted:
// - v1 "PROXY TCP4 SRC DST SPORT DPORT\r\n" (dotted quads), "PROXY TCP6 ..." (RFC 4291 text),
//   "PROXY UNKNOWN[ anything printable]\r\n"; single spaces, decimal ports 0..65535 without
//   leading zeros, nothing but printable ASCII before the CRLF.
// - v2 with version 2 and command LOCAL (health checks of the balancer itself: the addresses are
//   ignored) or PROXY with AF_INET/AF_INET6 over STREAM, AF_UNSPEC or AF_UNIX (no IP source: the
//   real peer stands); TLVs are skipped, each one checked to end inside the declared length.
// The source is then the client's address; nullopt means "use the real peer" (LOCAL, UNKNOWN,
// AF_UNSPEC, AF_UNIX).
class ProxyProtocolParser {
 public:
  enum class Status { need_more, done, error };

  struct Result {
    Status status;
    // How many bytes of this feed belong to the header: all of them for need_more, the header's
    // remainder for done (what follows is the client's), meaningless for error.
    size_t consumed = 0;
  };

  Result feed(std::span<const uint8_t> bytes);

  // After done: the client's address, or nullopt to keep the connection's peer.
  const std::optional<SocketAddress>& source() const { return source_; }
  // After done: the header's length in bytes.
  size_t header_length() const { return seen_; }
  // 1 or 2 once the first byte told (0 before).
  int version() const { return version_; }
  // After error: why, for a log line (a static string).
  const char* error() const { return error_; }

 private:
  enum class State {
    start,
    v1,
    v2_fixed,
    v2_addresses,
    v2_tlv_header,
    v2_tlv_value,
    v2_skip,
    done,
    failed
  };

  Status step(uint8_t byte);
  Status fail(const char* reason);
  Status v1_byte(uint8_t byte);
  Status v1_line();
  Status v2_fixed_byte(uint8_t byte);
  Status v2_fixed_done();
  Status v2_after_addresses();
  Status v2_next_tlv();

  State state_ = State::start;
  int version_ = 0;
  size_t seen_ = 0;  // header bytes taken so far
  // v1: the line so far; v2: the fixed part, then the address block (at most AF_UNIX's 216).
  uint8_t buffer_[kProxyV2FixedLength + 216];
  size_t buffered_ = 0;
  size_t remaining_ = 0;       // v2: bytes of the declared length not taken yet
  size_t address_length_ = 0;  // v2: bytes of the address block for the family
  size_t tlv_left_ = 0;        // v2: bytes of the current TLV header or value still to come
  uint8_t tlv_header_[3] = {};
  std::optional<SocketAddress> source_;
  const char* error_ = "";
};

}  // namespace relay7
