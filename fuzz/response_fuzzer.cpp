// libFuzzer harness: the upstream side of relay7. Bytes a backend might send go through the
// response parser in pieces, handled as Http1ClientSession and UpstreamExchange handle them:
// interim 1xx responses, 101 only after an upgrade request, no body for HEAD, 204 and 304,
// Content-Length bodies moved by the owner past the parser, chunked and close-delimited bodies
// through it, end of stream through finish(). See fuzz/README.md.
//
// Input: byte 0 selects the request this is the answer to, bytes 1..7 the piece sizes
// (fuzz_support.h), the rest is the stream.
//   mode bits 0-1: 0 GET, 1 HEAD, 2 GET with "Connection: upgrade", 3 POST
//   mode bit 2:    small parser limits (512-byte head, 8 headers) instead of the defaults

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "relay7/http/ascii.h"
#include "relay7/http/message_parser.h"
#include "relay7/http/status.h"

namespace relay7::fuzz {
namespace {

enum class RequestKind { get, head, upgrade, post };

enum class BodyMode { none, length, parser };

// Mirrors UpstreamExchange::on_response_head, start_final_response and
// Http1ClientSession::on_message_end.
class Exchange : public MessageParser::Handler {
 public:
  Exchange(RequestKind request, std::string& log) : request_(request), log_(log) {}

  // A new exchange on the same connection.
  void restart() {
    status_ = 0;
    interim_ = false;
    final_ended_ = false;
    body_mode_ = BodyMode::none;
    length_remaining_ = 0;
    body_.clear();
  }

  bool final_ended() const { return final_ended_; }
  BodyMode body_mode() const { return body_mode_; }
  uint64_t length_remaining() const { return length_remaining_; }

  AfterHead on_head(MessageHead& head, const BodyFraming& framing) override {
    check_head(head, framing);
    log_ += "head " + std::to_string(head.status) + " [" + head.reason + "] " +
            std::to_string(head.version_major) + "." + std::to_string(head.version_minor) +
            " chunked=" + std::to_string(framing.chunked) + " length=" +
            (framing.has_content_length ? std::to_string(framing.content_length) : "-") +
            " keep_alive=" + std::to_string(framing.keep_alive) + "\n";
    for (const Header& header : head.headers) {
      log_ += "  [" + header.name + "] [" + header.value + "]\n";
    }
    FUZZ_CHECK(!final_ended_, "a head after the final response ended");
    status_ = head.status;
    if (head.status == 101) {
      if (request_ != RequestKind::upgrade) {
        return AfterHead::reject;  // switching protocols nobody asked for
      }
      return AfterHead::upgrade;
    }
    if (head.status < 200) {
      interim_ = true;
      return AfterHead::read_body;
    }
    const bool bodiless = request_ == RequestKind::head || status_has_no_body(head.status);
    if (bodiless) {
      body_mode_ = BodyMode::none;
      return AfterHead::skip_body;
    }
    if (framing.has_content_length) {
      body_mode_ = BodyMode::length;
      length_remaining_ = framing.content_length;
      return AfterHead::skip_body;
    }
    body_mode_ = BodyMode::parser;
    return AfterHead::read_body;
  }

  void on_body(const char* data, size_t length) override {
    // The parser must never hand over a body the proxy has to do without: an interim response's,
    // a HEAD or 204/304 response's, or one the owner moves itself by its Content-Length.
    FUZZ_CHECK(!interim_, "body bytes in a 1xx response");
    FUZZ_CHECK(body_mode_ == BodyMode::parser,
               "body bytes for a response that has none or whose body the owner moves");
    FUZZ_CHECK(length > 0);
    body_.append(data, length);
  }

  bool on_message_end() override {
    log_ += "end body[" + body_ + "]\n";
    body_.clear();
    if (interim_) {
      interim_ = false;
      return false;
    }
    if (status_ == 101) {
      return false;  // llhttp pauses for the upgrade itself
    }
    final_ended_ = true;
    return true;
  }

  void flush_body() {
    if (!body_.empty()) {
      log_ += "partial body[" + body_ + "]\n";
      body_.clear();
    }
  }

  void moved_length_body(size_t count) {
    FUZZ_CHECK(count <= length_remaining_);
    length_remaining_ -= count;
  }

 private:
  static void check_head(const MessageHead& head, const BodyFraming& framing) {
    FUZZ_CHECK(head.status >= 100 && head.status <= 999, std::to_string(head.status));
    FUZZ_CHECK(!(framing.chunked && framing.has_content_length),
               "a response with both Content-Length and chunked framing was accepted");
    size_t content_lengths = 0;
    for (const Header& header : head.headers) {
      FUZZ_CHECK(!header.name.empty(), "an empty header name");
      for (const char c : header.name) {
        FUZZ_CHECK(c > 0x20 && c < 0x7F && c != ':', escaped(header.name));
      }
      for (const char c : header.value) {
        FUZZ_CHECK(c != '\r' && c != '\n' && c != '\0', escaped(header.value));
      }
      content_lengths += iequals(header.name, "content-length") ? 1 : 0;
    }
    FUZZ_CHECK(content_lengths <= 1, "several Content-Length headers accepted");
    FUZZ_CHECK(framing.has_content_length == (content_lengths == 1) || framing.chunked,
               "Content-Length header and framing disagree");
  }

  RequestKind request_;
  std::string& log_;
  int status_ = 0;
  bool interim_ = false;
  bool final_ended_ = false;
  BodyMode body_mode_ = BodyMode::none;
  uint64_t length_remaining_ = 0;
  std::string body_;
};

// Feeds `stream` in pieces (all at once without a plan) as Http1ClientSession does; after a
// complete response, what follows is parsed as the response of a new exchange on a reset parser.
// Returns the log of what happened.
std::string parse_stream(std::string_view stream, SplitPlan* plan, RequestKind request,
                         ParserLimits limits) {
  std::string log;
  Exchange exchange(request, log);
  MessageParser parser(MessageType::response, exchange, limits);
  int exchanges = 1;
  size_t exchange_start = 0;
  const auto complete = [&](size_t at) {
    exchange_start = at;
    exchange.flush_body();
    log += "complete at " + std::to_string(at) + "\n";
    exchange.restart();
    parser.reset();
    ++exchanges;
  };
  size_t pos = 0;
  while (pos < stream.size()) {
    const size_t end =
        plan == nullptr ? stream.size() : std::min(stream.size(), pos + plan->next());
    while (pos < end) {
      if (exchange.final_ended()) {
        // Only a Content-Length body is left: the owner moves it without the parser.
        const size_t count =
            static_cast<size_t>(std::min<uint64_t>(exchange.length_remaining(), end - pos));
        exchange.moved_length_body(count);
        pos += count;
        if (exchange.length_remaining() == 0) {
          complete(pos);
        }
        continue;
      }
      const MessageParser::Result result = parser.feed(stream.data() + pos, end - pos);
      FUZZ_CHECK(result.consumed <= end - pos);
      switch (result.status) {
        case MessageParser::Status::need_more:
          FUZZ_CHECK(result.consumed == end - pos);
          pos = end;
          break;
        case MessageParser::Status::paused:
          FUZZ_CHECK(exchange.final_ended(), "paused before the final response ended");
          pos += result.consumed;
          if (exchange.body_mode() != BodyMode::parser) {
            // No body went through the parser: the exchange so far is heads only.
            check_head_bytes(stream.substr(exchange_start, pos - exchange_start));
          }
          if (exchange.body_mode() != BodyMode::length || exchange.length_remaining() == 0) {
            complete(pos);
          }
          break;
        case MessageParser::Status::upgrade:
          exchange.flush_body();
          return log + "upgrade at " + std::to_string(pos + result.consumed) + "\n";
        case MessageParser::Status::error:
          exchange.flush_body();
          return log + "error\n";
      }
    }
  }
  // The upstream closed the connection: Http1ClientSession::conclude_at_end_of_stream.
  exchange.flush_body();
  if (exchange.final_ended()) {
    return log + "eof in a Content-Length body, " + std::to_string(exchange.length_remaining()) +
           " bytes short\n";
  }
  if (parser.message_started()) {
    const MessageParser::Result result = parser.finish();
    exchange.flush_body();
    log += "finish " + std::to_string(static_cast<int>(result.status)) +
           " ended=" + std::to_string(exchange.final_ended()) + "\n";
  }
  return log + "eof after " + std::to_string(exchanges) + " exchanges\n";
}

}  // namespace
}  // namespace relay7::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace relay7;
  using namespace relay7::fuzz;
  auto input = read_stream_input(data, size);
  if (!input) {
    return 0;
  }
  const uint8_t mode = input->mode;
  SplitPlan& plan = input->plan;
  const std::string_view stream = input->stream;
  const auto request = static_cast<RequestKind>(mode & 3);
  const ParserLimits limits = (mode & 4) != 0 ? ParserLimits{64, 512, 8} : ParserLimits{};
  // The pieces must not change the meaning: parsing the stream in one call is the reference.
  const std::string whole = parse_stream(stream, nullptr, request, limits);
  const std::string pieces = parse_stream(stream, &plan, request, limits);
  FUZZ_CHECK(whole == pieces, "the same bytes parse differently in pieces:\n--- in one piece:\n" +
                                  escaped(whole, true) + "\n--- in pieces:\n" +
                                  escaped(pieces, true));
  return 0;
}
