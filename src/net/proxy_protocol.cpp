#include "relay7/net/proxy_protocol.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <string_view>

namespace relay7 {
namespace {

constexpr std::string_view kV1Prefix = "PROXY ";
constexpr uint8_t kV2Signature[12] = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
                                      0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

constexpr uint8_t kCommandLocal = 0x0;
constexpr uint8_t kCommandProxy = 0x1;
constexpr uint8_t kFamilyUnspec = 0x0;
constexpr uint8_t kFamilyInet = 0x1;
constexpr uint8_t kFamilyInet6 = 0x2;
constexpr uint8_t kFamilyUnix = 0x3;
constexpr uint8_t kTransportStream = 0x1;
constexpr uint8_t kTransportDgram = 0x2;
constexpr size_t kInetBlock = 12;   // source, destination (4 each), two ports
constexpr size_t kInet6Block = 36;  // 16 each, two ports
constexpr size_t kTlvHeader = 3;    // type, 16-bit length

// An IPv4 (AF_INET) or IPv6 address with its port (network byte order), as the socket layer
// would have given the peer.
SocketAddress make_address(int family, const void* address_bytes, uint16_t network_port) {
  SocketAddress out;
  if (family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&out.storage);
    std::memcpy(&in->sin_addr, address_bytes, sizeof in->sin_addr);
    in->sin_port = network_port;
    out.length = sizeof *in;
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
    std::memcpy(&in6->sin6_addr, address_bytes, sizeof in6->sin6_addr);
    in6->sin6_port = network_port;
    out.length = sizeof *in6;
  }
  out.storage.ss_family = static_cast<sa_family_t>(family);
  return out;
}

// Splits off the text before the next single space; false when there is none where one must be,
// or the field is empty.
bool next_field(std::string_view& rest, std::string_view& field, bool last) {
  const size_t space = rest.find(' ');
  if (last) {
    field = rest;
    rest = {};
    return !field.empty() && space == std::string_view::npos;
  }
  if (space == std::string_view::npos || space == 0) {
    return false;
  }
  field = rest.substr(0, space);
  rest.remove_prefix(space + 1);
  return true;
}

// A decimal port 0..65535 without leading zeros, in network byte order.
bool parse_port(std::string_view text, uint16_t& network_port) {
  if (text.empty() || text.size() > 5 || (text.size() > 1 && text[0] == '0')) {
    return false;
  }
  uint32_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value > 65535) {
    return false;
  }
  network_port = htons(static_cast<uint16_t>(value));
  return true;
}

// inet_pton is strict (no leading zeros in IPv4, no scope ids) and needs a terminated string.
bool parse_ip(int family, std::string_view text, void* out) {
  char terminated[INET6_ADDRSTRLEN];
  if (text.size() >= sizeof terminated) {
    return false;
  }
  std::memcpy(terminated, text.data(), text.size());
  terminated[text.size()] = '\0';
  return ::inet_pton(family, terminated, out) == 1;
}

}  // namespace

ProxyProtocolParser::Result ProxyProtocolParser::feed(std::span<const uint8_t> bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    if (state_ == State::done || state_ == State::failed) {
      break;
    }
    // TLV values and blocks that are skipped whole go by in one step, not byte by byte.
    if (state_ == State::v2_skip || state_ == State::v2_tlv_value) {
      const size_t left = state_ == State::v2_skip ? remaining_ : tlv_left_;
      const size_t take = std::min(left, bytes.size() - i);
      i += take;
      seen_ += take;
      remaining_ -= take;
      if (state_ == State::v2_tlv_value) {
        tlv_left_ -= take;
      }
      if (take == left) {
        const Status status =
            state_ == State::v2_skip ? (state_ = State::done, Status::done) : v2_next_tlv();
        if (status != Status::need_more) {
          return {status, i};
        }
      }
      continue;
    }
    const Status status = step(bytes[i]);
    ++i;
    if (status != Status::need_more) {
      return {status, i};
    }
  }
  if (state_ == State::done) {
    return {Status::done, 0};
  }
  return {state_ == State::failed ? Status::error : Status::need_more, i};
}

ProxyProtocolParser::Status ProxyProtocolParser::fail(const char* reason) {
  state_ = State::failed;
  error_ = reason;
  return Status::error;
}

ProxyProtocolParser::Status ProxyProtocolParser::step(uint8_t byte) {
  ++seen_;
  switch (state_) {
    case State::start:
      if (byte == static_cast<uint8_t>(kV1Prefix[0])) {
        version_ = 1;
        state_ = State::v1;
        return v1_byte(byte);
      }
      if (byte == kV2Signature[0]) {
        version_ = 2;
        state_ = State::v2_fixed;
        return v2_fixed_byte(byte);
      }
      return fail("no PROXY protocol header");
    case State::v1:
      return v1_byte(byte);
    case State::v2_fixed:
      return v2_fixed_byte(byte);
    case State::v2_addresses:
      buffer_[buffered_++] = byte;
      --remaining_;
      return buffered_ == kProxyV2FixedLength + address_length_ ? v2_after_addresses()
                                                                : Status::need_more;
    case State::v2_tlv_header:
      tlv_header_[kTlvHeader - tlv_left_] = byte;
      --remaining_;
      if (--tlv_left_ != 0) {
        return Status::need_more;
      }
      tlv_left_ = static_cast<size_t>(tlv_header_[1]) << 8 | tlv_header_[2];
      if (tlv_left_ > remaining_) {
        return fail("a v2 TLV runs past the header's length");
      }
      if (tlv_left_ == 0) {
        return v2_next_tlv();
      }
      state_ = State::v2_tlv_value;
      return Status::need_more;
    case State::v2_tlv_value:
    case State::v2_skip:
    case State::done:
    case State::failed:
      break;
  }
  return fail("internal: byte fed in a final state");
}

ProxyProtocolParser::Status ProxyProtocolParser::v1_byte(uint8_t byte) {
  buffer_[buffered_++] = byte;
  if (buffered_ <= kV1Prefix.size()) {
    return byte == static_cast<uint8_t>(kV1Prefix[buffered_ - 1])
               ? Status::need_more
               : fail("no PROXY protocol header");
  }
  const uint8_t before = buffer_[buffered_ - 2];
  if (byte == '\n') {
    return before == '\r' ? v1_line() : fail("v1 line ends in LF without CR");
  }
  if (before == '\r') {
    return fail("v1 CR not followed by LF");
  }
  if (byte != '\r' && (byte < 0x20 || byte > 0x7e)) {
    return fail("v1 header holds a byte that is not printable ASCII");
  }
  if (buffered_ == kProxyV1MaxLength) {
    return fail("v1 header longer than 107 bytes");
  }
  return Status::need_more;
}

ProxyProtocolParser::Status ProxyProtocolParser::v1_line() {
  std::string_view rest(reinterpret_cast<const char*>(buffer_) + kV1Prefix.size(),
                        buffered_ - kV1Prefix.size() - 2);
  state_ = State::done;
  if (rest == "UNKNOWN" || rest.starts_with("UNKNOWN ")) {
    return Status::done;  // the sender does not know the client: the spec says ignore the rest
  }
  std::string_view protocol, source, destination, source_port, destination_port;
  if (!next_field(rest, protocol, false) || !next_field(rest, source, false) ||
      !next_field(rest, destination, false) || !next_field(rest, source_port, false) ||
      !next_field(rest, destination_port, true)) {
    return fail("v1 header is not PROTOCOL SOURCE DESTINATION SPORT DPORT");
  }
  const bool v4 = protocol == "TCP4";
  if (!v4 && protocol != "TCP6") {
    return fail("v1 protocol is not TCP4, TCP6 or UNKNOWN");
  }
  uint8_t source_bytes[16];
  uint8_t destination_bytes[16];
  const int family = v4 ? AF_INET : AF_INET6;
  if (!parse_ip(family, source, source_bytes) ||
      !parse_ip(family, destination, destination_bytes)) {
    return fail("v1 address is not one of the protocol's family");
  }
  uint16_t port = 0;
  uint16_t ignored = 0;
  if (!parse_port(source_port, port) || !parse_port(destination_port, ignored)) {
    return fail("v1 port is not a decimal number 0..65535");
  }
  source_ = make_address(family, source_bytes, port);
  return Status::done;
}

ProxyProtocolParser::Status ProxyProtocolParser::v2_fixed_byte(uint8_t byte) {
  buffer_[buffered_++] = byte;
  if (buffered_ <= sizeof kV2Signature) {
    return byte == kV2Signature[buffered_ - 1] ? Status::need_more
                                               : fail("no PROXY protocol header");
  }
  return buffered_ == kProxyV2FixedLength ? v2_fixed_done() : Status::need_more;
}

ProxyProtocolParser::Status ProxyProtocolParser::v2_fixed_done() {
  const uint8_t version = buffer_[12] >> 4;
  const uint8_t command = buffer_[12] & 0x0F;
  const uint8_t family = buffer_[13] >> 4;
  const uint8_t transport = buffer_[13] & 0x0F;
  remaining_ = static_cast<size_t>(buffer_[14]) << 8 | buffer_[15];
  if (version != 2) {
    return fail("v2 header with a version other than 2");
  }
  if (command != kCommandLocal && command != kCommandProxy) {
    return fail("v2 command is neither LOCAL nor PROXY");
  }
  if (command == kCommandProxy) {
    if (family > kFamilyUnix || transport > kTransportDgram) {
      return fail("v2 address family or transport out of range");
    }
    if (family == kFamilyInet || family == kFamilyInet6) {
      if (transport != kTransportStream) {
        return fail("v2 PROXY command for a transport other than STREAM");
      }
      address_length_ = family == kFamilyInet ? kInetBlock : kInet6Block;
      if (remaining_ < address_length_) {
        return fail("v2 length shorter than its address family's addresses");
      }
      state_ = State::v2_addresses;
      return Status::need_more;
    }
    static_assert(kFamilyUnspec == 0 && kFamilyUnix == 3);
  }
  // LOCAL (the balancer's own connection), AF_UNSPEC or AF_UNIX: no IP source, the real peer
  // stands; the block is skipped whole.
  state_ = remaining_ == 0 ? State::done : State::v2_skip;
  return state_ == State::done ? Status::done : Status::need_more;
}

ProxyProtocolParser::Status ProxyProtocolParser::v2_after_addresses() {
  const uint8_t* block = buffer_ + kProxyV2FixedLength;
  uint16_t port = 0;
  // Source and destination addresses, then source and destination ports.
  const bool v4 = address_length_ == kInetBlock;
  std::memcpy(&port, block + (v4 ? 8 : 32), sizeof port);
  source_ = make_address(v4 ? AF_INET : AF_INET6, block, port);
  return v2_next_tlv();
}

// After an address block or a TLV: another TLV follows while the declared length lasts.
ProxyProtocolParser::Status ProxyProtocolParser::v2_next_tlv() {
  if (remaining_ == 0) {
    state_ = State::done;
    return Status::done;
  }
  if (remaining_ < kTlvHeader) {
    return fail("v2 bytes after the addresses do not make a TLV");
  }
  state_ = State::v2_tlv_header;
  tlv_left_ = kTlvHeader;
  return Status::need_more;
}

}  // namespace relay7
