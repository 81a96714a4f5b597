#include "relay7/http/method_token_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "relay7/http/message_parser.h"
#include "split_feeding.h"

namespace relay7 {
namespace {

using testing::feed_pieces;
using testing::splits_of;

struct Recorder : MessageParser::Handler {
  std::vector<std::string> methods;
  std::vector<uint64_t> lengths;
  std::string body;
  int messages = 0;

  AfterHead on_head(MessageHead& head, const BodyFraming& framing) override {
    methods.push_back(head.method);
    lengths.push_back(framing.content_length);
    return AfterHead::read_body;
  }
  void on_body(const char* data, size_t length) override { body.append(data, length); }
  bool on_message_end() override {
    ++messages;
    return false;
  }
};

TEST(MethodTokenReaderTest, KnowsLlhttpsOwnTable) {
  for (const char* method : {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE",
                             "PATCH", "PROPFIND", "PURGE", "M-SEARCH", "SOURCE"}) {
    EXPECT_TRUE(MethodTokenReader::known_to_llhttp(method)) << method;
  }
  for (const char* method : {"QUERY", "get", "BREW", "VERSION-CONTROL", "PRI", "DESCRIBE"}) {
    EXPECT_FALSE(MethodTokenReader::known_to_llhttp(method)) << method;
  }
}

// What the reader lets through must be what llhttp parses: every method of its table, in requests
// split at every byte, reaches the head unchanged.
TEST(MethodTokenReaderTest, KnownAndExtensionMethodsReachTheHeadWhereverTheBytesAreSplit) {
  for (const std::string method : {"GET", "M-SEARCH", "UNSUBSCRIBE", "QUERY", "get", "X_Y.Z~1"}) {
    const std::string request = method + " /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc" +
                                method + " /b HTTP/1.1\r\nHost: h\r\n\r\n";
    for (const auto& pieces : splits_of(request)) {
      Recorder recorder;
      MessageParser parser(MessageType::request, recorder);
      ASSERT_EQ(feed_pieces(parser, pieces), MessageParser::Status::need_more)
          << method << ": " << parser.error_reason();
      ASSERT_EQ(recorder.messages, 2) << method;
      EXPECT_EQ(recorder.methods, (std::vector<std::string>{method, method}));
      EXPECT_EQ(recorder.lengths[0], 3u);
      EXPECT_EQ(recorder.body, "abc");
    }
  }
}

TEST(MethodTokenReaderTest, EmptyLinesBeforeARequestAreLlhttpsToSkip) {
  Recorder recorder;
  MessageParser parser(MessageType::request, recorder);
  const std::string request = "\r\nQUERY / HTTP/1.1\r\nHost: h\r\n\r\n";
  EXPECT_EQ(parser.feed(request.data(), request.size()).status, MessageParser::Status::need_more);
  EXPECT_EQ(recorder.methods, std::vector<std::string>{"QUERY"});
}

TEST(MethodTokenReaderTest, RefusesWhatIsNotAToken) {
  for (const std::string& request :
       {std::string("GE(T / HTTP/1.1\r\n\r\n"), std::string("G\tT / HTTP/1.1\r\n\r\n"),
        std::string(" GET / HTTP/1.1\r\n\r\n"), std::string("GET\x7f / HTTP/1.1\r\n\r\n"),
        std::string(MethodTokenReader::kMaxMethodLength + 1, 'A') + " / HTTP/1.1\r\n\r\n"}) {
    for (const auto& pieces : splits_of(request)) {
      Recorder recorder;
      MessageParser parser(MessageType::request, recorder);
      EXPECT_EQ(feed_pieces(parser, pieces), MessageParser::Status::error) << request;
      EXPECT_TRUE(recorder.methods.empty());
      EXPECT_EQ(parser.error_code(), HPE_INVALID_METHOD);
    }
  }
}

TEST(MethodTokenReaderTest, ALongestAllowedTokenPasses) {
  const std::string method(MethodTokenReader::kMaxMethodLength, 'A');
  const std::string request = method + " / HTTP/1.1\r\nHost: h\r\n\r\n";
  Recorder recorder;
  MessageParser parser(MessageType::request, recorder);
  EXPECT_EQ(parser.feed(request.data(), request.size()).status, MessageParser::Status::need_more);
  EXPECT_EQ(recorder.methods, std::vector<std::string>{method});
}

}  // namespace
}  // namespace relay7
