#include "relay7/net/proxy_protocol.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace relay7 {
namespace {

using Status = ProxyProtocolParser::Status;
using Bytes = std::vector<uint8_t>;

Bytes bytes_of(const std::string& text) {
  return Bytes(text.begin(), text.end());
}

const Bytes kSignature = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

// A v2 header: version/command byte, family/transport byte, then `block` (its length is written).
Bytes v2(uint8_t version_command, uint8_t family_transport, const Bytes& block) {
  Bytes out = kSignature;
  out.push_back(version_command);
  out.push_back(family_transport);
  out.push_back(static_cast<uint8_t>(block.size() >> 8));
  out.push_back(static_cast<uint8_t>(block.size() & 0xFF));
  out.insert(out.end(), block.begin(), block.end());
  return out;
}

// 203.0.113.7:51000 -> 10.0.0.1:443, then `tail` (TLVs).
Bytes inet_block(const Bytes& tail = {}) {
  Bytes block = {203, 0, 113, 7, 10, 0, 0, 1, 0xC7, 0x38, 0x01, 0xBB};
  block.insert(block.end(), tail.begin(), tail.end());
  return block;
}

Bytes inet6_block() {
  Bytes block(36, 0);
  block[0] = 0x20;  // 2001:db8::5
  block[1] = 0x01;
  block[2] = 0x0d;
  block[3] = 0xb8;
  block[15] = 0x05;
  block[31] = 0x01;  // destination ::1
  block[32] = 0x30;  // port 12345
  block[33] = 0x39;
  block[35] = 0x50;
  return block;
}

struct Outcome {
  Status status = Status::need_more;
  size_t header_length = 0;
  std::string source;  // host:port, or "" for "use the real peer"
  std::string error;
};

// Feeds `input` in pieces of `piece` bytes (0: all at once) and stops where the parser does.
Outcome parse(const Bytes& input, size_t piece = 0) {
  ProxyProtocolParser parser;
  Outcome outcome;
  size_t offset = 0;
  if (piece == 0) {
    piece = input.size() == 0 ? 1 : input.size();
  }
  while (offset < input.size()) {
    const size_t size = std::min(piece, input.size() - offset);
    const auto result = parser.feed(std::span<const uint8_t>(input.data() + offset, size));
    outcome.status = result.status;
    if (result.status == Status::error) {
      outcome.error = parser.error();
      return outcome;
    }
    if (result.status == Status::done) {
      outcome.header_length = offset + result.consumed;
      EXPECT_EQ(outcome.header_length, parser.header_length());
      outcome.source = parser.source() ? parser.source()->to_string() : "";
      return outcome;
    }
    EXPECT_EQ(result.consumed, size);  // need_more: every byte fed belongs to the header
    offset += size;
  }
  return outcome;
}

// The same header gives the same outcome however it is split: at every single byte, and in every
// two-piece split.
void expect_split_invariant(const Bytes& input) {
  const Outcome whole = parse(input);
  for (size_t piece = 1; piece < input.size(); ++piece) {
    const Outcome split = parse(input, piece);
    EXPECT_EQ(split.status, whole.status) << "piece " << piece;
    EXPECT_EQ(split.header_length, whole.header_length) << "piece " << piece;
    EXPECT_EQ(split.source, whole.source) << "piece " << piece;
  }
  for (size_t cut = 1; cut < input.size(); ++cut) {
    ProxyProtocolParser parser;
    const auto first = parser.feed(std::span<const uint8_t>(input.data(), cut));
    if (first.status != Status::need_more) {
      EXPECT_EQ(first.status, whole.status) << "cut " << cut;
      continue;
    }
    const auto second =
        parser.feed(std::span<const uint8_t>(input.data() + cut, input.size() - cut));
    EXPECT_EQ(second.status, whole.status) << "cut " << cut;
    if (second.status == Status::done) {
      EXPECT_EQ(cut + second.consumed, whole.header_length) << "cut " << cut;
    }
  }
}

TEST(ProxyProtocolV1Test, ReadsTcp4AndStopsAtTheHeadersEnd) {
  const std::string header = "PROXY TCP4 203.0.113.7 10.0.0.1 51000 443\r\n";
  const Outcome outcome = parse(bytes_of(header + "GET / HTTP/1.1\r\n"));
  EXPECT_EQ(outcome.status, Status::done);
  EXPECT_EQ(outcome.header_length, header.size());
  EXPECT_EQ(outcome.source, "203.0.113.7:51000");
}

TEST(ProxyProtocolV1Test, ReadsTcp6) {
  const Outcome outcome = parse(bytes_of("PROXY TCP6 2001:db8::5 ::1 0 65535\r\n"));
  EXPECT_EQ(outcome.status, Status::done);
  EXPECT_EQ(outcome.source, "[2001:db8::5]:0");
}

TEST(ProxyProtocolV1Test, UnknownKeepsTheRealPeer) {
  for (const char* header : {"PROXY UNKNOWN\r\n", "PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n"}) {
    const Outcome outcome = parse(bytes_of(header));
    EXPECT_EQ(outcome.status, Status::done) << header;
    EXPECT_EQ(outcome.source, "") << header;
  }
}

TEST(ProxyProtocolV1Test, SplitAtEveryByteGivesTheSameResult) {
  expect_split_invariant(bytes_of("PROXY TCP4 203.0.113.7 10.0.0.1 51000 443\r\nGET /"));
  expect_split_invariant(bytes_of("PROXY TCP6 2001:db8::5 ::1 1 2\r\n"));
  expect_split_invariant(bytes_of("PROXY TCP4 203.0.113.07 10.0.0.1 1 2\r\n"));
}

TEST(ProxyProtocolV1Test, TruncatedHeaderNeedsMore) {
  const std::string header = "PROXY TCP4 203.0.113.7 10.0.0.1 51000 443\r\n";
  for (size_t length = 1; length < header.size(); ++length) {
    EXPECT_EQ(parse(bytes_of(header.substr(0, length))).status, Status::need_more) << length;
  }
}

TEST(ProxyProtocolV1Test, RefusesMalformedHeaders) {
  for (const char* header : {
           "PROXY TCP4 203.0.113.7 10.0.0.1 51000 443\n",        // LF without CR
           "PROXY TCP4 203.0.113.7 10.0.0.1 51000 443\rX",       // CR without LF
           "PROXY TCP4  203.0.113.7 10.0.0.1 51000 443\r\n",     // two spaces
           "PROXY TCP4 203.0.113.7 10.0.0.1 51000\r\n",          // a field missing
           "PROXY TCP4 203.0.113.7 10.0.0.1 51000 443 1\r\n",    // a field too many
           "PROXY TCP4 2001:db8::5 10.0.0.1 51000 443\r\n",      // family mismatch
           "PROXY TCP6 203.0.113.7 ::1 51000 443\r\n",           // family mismatch
           "PROXY TCP4 203.0.113.07 10.0.0.1 51000 443\r\n",     // leading zero in a quad
           "PROXY TCP4 203.0.113.7 10.0.0.1 051000 443\r\n",     // leading zero in a port
           "PROXY TCP4 203.0.113.7 10.0.0.1 65536 443\r\n",      // port out of range
           "PROXY TCP4 203.0.113.7 10.0.0.1 -1 443\r\n",         // not a number
           "PROXY UDP4 203.0.113.7 10.0.0.1 51000 443\r\n",      // protocol
           "PROXY TCP4 203.0.113.7 10.0.0.1 51000 443 \r\n",     // trailing space
           "PROXY TCP4 203.0.113.7\t10.0.0.1 51000 443\r\n",     // control byte
           "PROXY TCP4 203.0.113.7 host.example 51000 443\r\n",  // a name
           "PROXY\r\n",
           "PROXYTCP4 203.0.113.7 10.0.0.1 51000 443\r\n",
           "proxy TCP4 203.0.113.7 10.0.0.1 51000 443\r\n",
           "GET / HTTP/1.1\r\n",
       }) {
    const Outcome outcome = parse(bytes_of(header));
    EXPECT_EQ(outcome.status, Status::error) << header;
    EXPECT_FALSE(outcome.error.empty()) << header;
  }
}

TEST(ProxyProtocolV1Test, RefusesALineLongerThan107Bytes) {
  std::string header = "PROXY UNKNOWN ";
  header.append(107 - header.size() - 2, 'x');
  EXPECT_EQ(parse(bytes_of(header + "\r\n")).status, Status::done);  // exactly 107
  EXPECT_EQ(parse(bytes_of(header + "x\r\n")).status, Status::error);
  // Without a CRLF the parser stops at the limit, not at the end of the input.
  ProxyProtocolParser parser;
  const Bytes endless = bytes_of("PROXY UNKNOWN " + std::string(500, 'x'));
  EXPECT_EQ(parser.feed(endless).status, Status::error);
  EXPECT_STREQ(parser.error(), "v1 header longer than 107 bytes");
}

TEST(ProxyProtocolV2Test, ReadsInetAndStopsAtTheHeadersEnd) {
  Bytes input = v2(0x21, 0x11, inet_block());
  const size_t header_length = input.size();
  input.push_back(0x16);  // a TLS record follows
  const Outcome outcome = parse(input);
  EXPECT_EQ(outcome.status, Status::done);
  EXPECT_EQ(outcome.header_length, header_length);
  EXPECT_EQ(outcome.source, "203.0.113.7:51000");
}

TEST(ProxyProtocolV2Test, ReadsInet6) {
  const Outcome outcome = parse(v2(0x21, 0x21, inet6_block()));
  EXPECT_EQ(outcome.status, Status::done);
  EXPECT_EQ(outcome.source, "[2001:db8::5]:12345");
}

TEST(ProxyProtocolV2Test, SkipsTlvsWithinTheLength) {
  // PP2_TYPE_ALPN "h2", an empty NOOP, PP2_TYPE_AUTHORITY "example.com".
  const Bytes tlvs = {0x01, 0x00, 0x02, 'h', '2', 0x04, 0x00, 0x00, 0x02, 0x00, 0x0B,
                      'e',  'x',  'a',  'm', 'p', 'l',  'e',  '.',  'c',  'o',  'm'};
  const Bytes input = v2(0x21, 0x11, inet_block(tlvs));
  const Outcome outcome = parse(input);
  EXPECT_EQ(outcome.status, Status::done);
  EXPECT_EQ(outcome.header_length, input.size());
  EXPECT_EQ(outcome.source, "203.0.113.7:51000");
  expect_split_invariant(input);
}

TEST(ProxyProtocolV2Test, SkipsTheLargestTlvTheLengthAllows) {
  Bytes tlvs = {0xE0, 0xFF, 0xF0};  // a custom TLV of 65520 bytes: 12 + 3 + 65520 = 65535
  tlvs.resize(3 + 0xFFF0, 'z');
  const Bytes input = v2(0x21, 0x11, inet_block(tlvs));
  EXPECT_EQ(parse(input).status, Status::done);
  EXPECT_EQ(parse(input, 1000).header_length, input.size());
}

TEST(ProxyProtocolV2Test, RefusesTlvsThatRunPastTheLength) {
  EXPECT_EQ(parse(v2(0x21, 0x11, inet_block({0x01, 0x00, 0x05, 'h', '2'}))).status, Status::error);
  EXPECT_EQ(parse(v2(0x21, 0x11, inet_block({0x01, 0x00}))).status, Status::error);
}

TEST(ProxyProtocolV2Test, LocalKeepsTheRealPeerWhateverTheBlock) {
  for (const Bytes& input :
       {v2(0x20, 0x00, {}), v2(0x20, 0x11, inet_block()), v2(0x20, 0xFF, {1, 2, 3})}) {
    const Outcome outcome = parse(input);
    EXPECT_EQ(outcome.status, Status::done);
    EXPECT_EQ(outcome.header_length, input.size());
    EXPECT_EQ(outcome.source, "");
  }
}

TEST(ProxyProtocolV2Test, UnspecAndUnixKeepTheRealPeer) {
  EXPECT_EQ(parse(v2(0x21, 0x00, {})).source, "");
  EXPECT_EQ(parse(v2(0x21, 0x00, {})).status, Status::done);
  const Outcome unix_socket = parse(v2(0x21, 0x31, Bytes(216, 'p')));
  EXPECT_EQ(unix_socket.status, Status::done);
  EXPECT_EQ(unix_socket.source, "");
}

TEST(ProxyProtocolV2Test, SplitAtEveryByteGivesTheSameResult) {
  expect_split_invariant(v2(0x21, 0x11, inet_block()));
  expect_split_invariant(v2(0x21, 0x21, inet6_block()));
  expect_split_invariant(v2(0x20, 0x00, {9, 9, 9}));
}

TEST(ProxyProtocolV2Test, TruncatedHeaderNeedsMore) {
  const Bytes input = v2(0x21, 0x21, inet6_block());
  for (size_t length = 1; length < input.size(); ++length) {
    EXPECT_EQ(parse(Bytes(input.begin(), input.begin() + static_cast<long>(length))).status,
              Status::need_more)
        << length;
  }
}

TEST(ProxyProtocolV2Test, RefusesBadSignatureVersionCommandAndFamily) {
  Bytes bad_signature = v2(0x21, 0x11, inet_block());
  bad_signature[6] = 0x0B;
  EXPECT_EQ(parse(bad_signature).status, Status::error);
  EXPECT_EQ(parse(v2(0x11, 0x11, inet_block())).status, Status::error);  // version 1
  EXPECT_EQ(parse(v2(0x31, 0x11, inet_block())).status, Status::error);  // version 3
  EXPECT_EQ(parse(v2(0x22, 0x11, inet_block())).status, Status::error);  // command 2
  EXPECT_EQ(parse(v2(0x21, 0x41, inet_block())).status, Status::error);  // family 4
  EXPECT_EQ(parse(v2(0x21, 0x13, inet_block())).status, Status::error);  // transport 3
  EXPECT_EQ(parse(v2(0x21, 0x12, inet_block())).status, Status::error);  // DGRAM
  EXPECT_EQ(parse(v2(0x21, 0x10, inet_block())).status, Status::error);  // no transport
}

TEST(ProxyProtocolV2Test, RefusesALengthShorterThanTheAddresses) {
  EXPECT_EQ(parse(v2(0x21, 0x11, Bytes(11, 1))).status, Status::error);
  EXPECT_EQ(parse(v2(0x21, 0x21, inet_block())).status, Status::error);  // 12 < 36
}

TEST(ProxyProtocolTest, RefusesGarbageAtTheFirstByteItCanTell) {
  for (const Bytes& input :
       {bytes_of("GET / HTTP/1.1\r\n"), Bytes{0x16, 0x03, 0x01}, bytes_of("PRI * HTTP/2.0\r\n"),
        bytes_of("PROXZ"), Bytes{0x0D, 0x0A, 0x0D, 0x0A, 0x01}, Bytes{0x00}}) {
    ProxyProtocolParser parser;
    const auto result = parser.feed(input);
    EXPECT_EQ(result.status, Status::error);
    EXPECT_LE(result.consumed, input.size());
  }
}

TEST(ProxyProtocolTest, FeedingAfterTheEndChangesNothing) {
  ProxyProtocolParser parser;
  const Bytes header = bytes_of("PROXY UNKNOWN\r\n");
  ASSERT_EQ(parser.feed(header).status, Status::done);
  const auto again = parser.feed(header);
  EXPECT_EQ(again.status, Status::done);
  EXPECT_EQ(again.consumed, 0u);
  EXPECT_EQ(parser.header_length(), header.size());
}

}  // namespace
}  // namespace relay7
