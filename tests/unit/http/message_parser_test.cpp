#include "relay7/http/message_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace relay7 {
namespace {

// Records what the parser reports; decides after each head as the proxy would.
class Recorder : public MessageParser::Handler {
 public:
  AfterHead after_head = AfterHead::read_body;
  std::vector<std::string> targets;
  std::vector<BodyFraming> framings;
  std::string body;
  int messages = 0;
  bool pause_at_end = false;

  AfterHead on_head(MessageHead& head, const BodyFraming& framing) override {
    targets.push_back(head.target.empty() ? std::to_string(head.status) : head.target);
    framings.push_back(framing);
    return after_head;
  }
  void on_body(const char* data, size_t length) override { body.append(data, length); }
  bool on_message_end() override {
    ++messages;
    return pause_at_end;
  }
};

TEST(MessageParser, ParsesHeadAcrossArbitrarySplits) {
  const std::string request =
      "GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\nX-Long-Header: value-value\r\n\r\n";
  for (size_t split = 1; split < request.size(); ++split) {
    Recorder recorder;
    MessageParser parser(MessageType::request, recorder);
    EXPECT_EQ(parser.feed(request.data(), split).status, MessageParser::Status::need_more);
    EXPECT_EQ(parser.feed(request.data() + split, request.size() - split).status,
              MessageParser::Status::need_more);
    ASSERT_EQ(recorder.messages, 1) << split;
    EXPECT_EQ(parser.head().target, "/a?b=1");
    EXPECT_EQ(parser.head().method, "GET");
    ASSERT_EQ(parser.head().headers.size(), 2u);
    EXPECT_EQ(parser.head().headers[1].name, "X-Long-Header");
    EXPECT_EQ(parser.head().headers[1].value, "value-value");
  }
}

TEST(MessageParser, ReportsFraming) {
  Recorder recorder;
  MessageParser parser(MessageType::request, recorder);
  const std::string request =
      "POST /u HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n0\r\n\r\n"
      "POST /v HTTP/1.0\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nabc";
  EXPECT_EQ(parser.feed(request.data(), request.size()).status, MessageParser::Status::need_more);
  ASSERT_EQ(recorder.framings.size(), 2u);
  EXPECT_TRUE(recorder.framings[0].chunked);
  EXPECT_TRUE(recorder.framings[0].keep_alive);
  EXPECT_TRUE(recorder.framings[1].has_content_length);
  EXPECT_EQ(recorder.framings[1].content_length, 3u);
  EXPECT_TRUE(recorder.framings[1].keep_alive);
  EXPECT_EQ(recorder.body, "helloabc");
}

TEST(MessageParser, PauseStopsAtTheEndOfTheHead) {
  Recorder recorder;
  recorder.after_head = AfterHead::pause;
  MessageParser parser(MessageType::request, recorder);
  const std::string request = "POST /u HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody";
  const MessageParser::Result result = parser.feed(request.data(), request.size());
  EXPECT_EQ(result.status, MessageParser::Status::paused);
  EXPECT_EQ(result.consumed, request.size() - 4);
  EXPECT_TRUE(recorder.body.empty());
  parser.resume();
  EXPECT_EQ(parser.feed(request.data() + result.consumed, 4).status,
            MessageParser::Status::need_more);
  EXPECT_EQ(recorder.body, "body");
}

TEST(MessageParser, PausesBetweenPipelinedMessages) {
  Recorder recorder;
  recorder.pause_at_end = true;
  MessageParser parser(MessageType::request, recorder);
  const std::string two = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n";
  const MessageParser::Result first = parser.feed(two.data(), two.size());
  EXPECT_EQ(first.status, MessageParser::Status::paused);
  EXPECT_EQ(recorder.targets, std::vector<std::string>{"/1"});
  parser.resume();
  const MessageParser::Result second =
      parser.feed(two.data() + first.consumed, two.size() - first.consumed);
  EXPECT_EQ(second.status, MessageParser::Status::paused);
  EXPECT_EQ(recorder.targets, (std::vector<std::string>{"/1", "/2"}));
}

TEST(MessageParser, RejectsSmugglingShapes) {
  const std::vector<std::string> bad = {
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
      "GET / HTTP/1.1\r\nHost : h\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n",
      "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
  };
  for (const std::string& request : bad) {
    Recorder recorder;
    MessageParser parser(MessageType::request, recorder);
    EXPECT_EQ(parser.feed(request.data(), request.size()).status, MessageParser::Status::error)
        << request;
  }
}

TEST(MessageParser, ValuesSplitAcrossFeedsAreNotMistakenForFolding) {
  const std::string request = "GET / HTTP/1.1\r\nHost: h\r\nX: a b c\r\n\r\n";
  const size_t split = request.find(" b c");
  Recorder recorder;
  MessageParser parser(MessageType::request, recorder);
  EXPECT_EQ(parser.feed(request.data(), split).status, MessageParser::Status::need_more);
  EXPECT_EQ(parser.feed(request.data() + split, request.size() - split).status,
            MessageParser::Status::need_more);
  EXPECT_EQ(parser.head().headers[1].value, "a b c");
}

TEST(MessageParser, EnforcesHeadLimits) {
  Recorder recorder;
  MessageParser parser(MessageType::request, recorder, ParserLimits{16, 1024, 3});
  const std::string long_target = "GET /" + std::string(40, 'a') + " HTTP/1.1\r\n\r\n";
  EXPECT_EQ(parser.feed(long_target.data(), long_target.size()).status,
            MessageParser::Status::error);
  EXPECT_EQ(parser.head_limit(), HeadLimit::target_too_long);

  Recorder other;
  MessageParser counting(MessageType::request, other, ParserLimits{1024, 1024, 3});
  const std::string many = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n";
  EXPECT_EQ(counting.feed(many.data(), many.size()).status, MessageParser::Status::error);
  EXPECT_EQ(counting.head_limit(), HeadLimit::head_too_large);
}

TEST(MessageParser, ResponseReadUntilCloseCompletesOnFinish) {
  Recorder recorder;
  MessageParser parser(MessageType::response, recorder);
  const std::string response = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\npartial body";
  EXPECT_EQ(parser.feed(response.data(), response.size()).status, MessageParser::Status::need_more);
  EXPECT_EQ(recorder.messages, 0);
  EXPECT_NE(parser.finish().status, MessageParser::Status::error);
  EXPECT_EQ(recorder.messages, 1);
  EXPECT_EQ(recorder.body, "partial body");
}

TEST(MessageParser, SkipBodyLeavesBodyBytesToTheOwner) {
  Recorder recorder;
  recorder.after_head = AfterHead::skip_body;
  recorder.pause_at_end = true;
  MessageParser parser(MessageType::response, recorder);
  const std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
  const MessageParser::Result result = parser.feed(response.data(), response.size());
  EXPECT_EQ(result.status, MessageParser::Status::paused);
  EXPECT_EQ(result.consumed, response.size() - 5);
  EXPECT_TRUE(recorder.body.empty());
}

TEST(MessageParser, UpgradeHandsTheRestToTheCaller) {
  Recorder recorder;
  recorder.after_head = AfterHead::upgrade;
  MessageParser parser(MessageType::request, recorder);
  const std::string request =
      "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nRAW";
  const MessageParser::Result result = parser.feed(request.data(), request.size());
  EXPECT_EQ(result.status, MessageParser::Status::upgrade);
  EXPECT_EQ(result.consumed, request.size() - 3);
  EXPECT_TRUE(recorder.framings[0].upgrade_requested);
}

}  // namespace
}  // namespace relay7
