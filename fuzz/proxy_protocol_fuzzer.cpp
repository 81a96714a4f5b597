// libFuzzer harness: the PROXY protocol header parser (relay7/net/proxy_protocol.h), the first
// thing a proxy_protocol address reads from an untrusted connection. The stream goes through the
// parser twice, whole and in the pieces of the split plan; both must reach the same outcome at
// the same byte, and what the parser accepts must be a header by the spec's framing. See
// fuzz/README.md.
//
// Input: byte 0 is unused (the layout of the HTTP harnesses), bytes 1..7 the piece sizes
// (fuzz_support.h), the rest is the stream.

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "relay7/net/proxy_protocol.h"

namespace relay7::fuzz {
namespace {

constexpr std::string_view kV2Signature("\r\n\r\n\0\r\nQUIT\n", 12);

struct Outcome {
  ProxyProtocolParser::Status status = ProxyProtocolParser::Status::need_more;
  size_t header_length = 0;  // bytes of the stream taken (for need_more: all of them)
  std::string source;
  std::string error;
};

std::span<const uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

Outcome run(std::string_view stream, SplitPlan* plan) {
  ProxyProtocolParser parser;
  Outcome outcome;
  size_t offset = 0;
  while (offset < stream.size()) {
    const size_t size = plan ? std::min(plan->next(), stream.size() - offset) : stream.size();
    const auto result = parser.feed(bytes_of(stream.substr(offset, size)));
    outcome.status = result.status;
    FUZZ_CHECK(result.consumed <= size, "consumed more than it was given");
    if (result.status == ProxyProtocolParser::Status::need_more) {
      FUZZ_CHECK(result.consumed == size, "need_more without taking every byte");
      offset += size;
      continue;
    }
    if (result.status == ProxyProtocolParser::Status::error) {
      outcome.error = parser.error();
      FUZZ_CHECK(!outcome.error.empty(), "an error without a reason");
      return outcome;
    }
    FUZZ_CHECK(result.consumed > 0, "done without taking the header's last byte");
    outcome.header_length = offset + result.consumed;
    FUZZ_CHECK(outcome.header_length == parser.header_length(), "header length disagrees");
    if (parser.source()) {
      const int family = parser.source()->family();
      FUZZ_CHECK(family == AF_INET || family == AF_INET6, "a source of another family");
      outcome.source = parser.source()->to_string();
    }
    // Fed again after the end, the parser takes nothing.
    const auto again = parser.feed(bytes_of(stream.substr(outcome.header_length)));
    FUZZ_CHECK(again.status == ProxyProtocolParser::Status::done && again.consumed == 0,
               "the parser moved after done");
    return outcome;
  }
  outcome.header_length = stream.size();
  return outcome;
}

void check_framing(std::string_view header) {
  const std::string shown = "header: " + escaped(header);
  if (header.starts_with("PROXY ")) {
    FUZZ_CHECK(header.size() <= kProxyV1MaxLength, "a v1 header over 107 bytes; " + shown);
    FUZZ_CHECK(header.ends_with("\r\n"), "a v1 header not ending in CRLF; " + shown);
    FUZZ_CHECK(header.find('\n') == header.size() - 1, "a v1 header with an inner LF; " + shown);
    return;
  }
  FUZZ_CHECK(header.starts_with(kV2Signature), "neither v1 nor v2; " + shown);
  FUZZ_CHECK(header.size() >= kProxyV2FixedLength, "a v2 header shorter than 16; " + shown);
  const size_t declared =
      static_cast<size_t>(static_cast<uint8_t>(header[14])) << 8 | static_cast<uint8_t>(header[15]);
  FUZZ_CHECK(header.size() == kProxyV2FixedLength + declared,
             "a v2 header whose length is not the declared one; " + shown);
}

}  // namespace
}  // namespace relay7::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace relay7::fuzz;
  auto input = read_stream_input(data, size);
  if (!input) {
    return 0;
  }
  const Outcome whole = run(input->stream, nullptr);
  const Outcome split = run(input->stream, &input->plan);
  FUZZ_CHECK(whole.status == split.status, "whole and split disagree on the outcome");
  FUZZ_CHECK(whole.error == split.error, "whole and split disagree on the error");
  FUZZ_CHECK(whole.source == split.source, "whole and split disagree on the source");
  if (whole.status == relay7::ProxyProtocolParser::Status::done) {
    FUZZ_CHECK(whole.header_length == split.header_length, "whole and split end apart");
    check_framing(input->stream.substr(0, whole.header_length));
  }
  return 0;
}
