#include "relay7/transport/transport.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "recording_owner.h"
#include "relay7/event/handles.h"

namespace relay7 {
namespace {

// A connected pair of non-blocking stream sockets: `ours` behind a Transport, `theirs` raw.
class TransportTest : public ::testing::Test, protected testing::RecordingOwner {
 protected:
  void SetUp() override {
    int pair[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair), 0);
    transport_ = std::make_unique<Transport>(base_.get(), UniqueFd(pair[0]));
    theirs_.reset(pair[1]);
    ASSERT_TRUE(transport_->valid());
    transport_->set_owner(this);
  }

  BlockPool blocks_;
  std::unique_ptr<Transport> transport_;
  UniqueFd theirs_;
};

// An idle keep-alive connection keeps its transport (and 96 bytes of parked state) for as long as
// it stays open: the transport's size is most of what ten thousand idle clients cost.
TEST(TransportSizeTest, StaysWithinTheIdleMemoryBudget) {
  EXPECT_LE(sizeof(Transport), 192u);
}

TEST_F(TransportTest, ReportsReadableAndReadsEverythingWaiting) {
  transport_->watch_read(true);
  const std::string sent(100000, 'r');
  ASSERT_EQ(::write(theirs_.get(), sent.data(), sent.size()), static_cast<ssize_t>(sent.size()));
  run_once();
  ASSERT_EQ(events_, std::vector<TransportEvent>{TransportEvent::readable});
  IoBuffer input(blocks_);
  const ReadResult result = transport_->read(input, 1 << 20);
  EXPECT_EQ(result.status, ReadResult::Status::data);
  EXPECT_EQ(result.bytes, sent.size()) << "a full first read goes on in bulk";
  EXPECT_EQ(transport_->read(input, 1 << 20).status, ReadResult::Status::would_block);
}

TEST_F(TransportTest, ReadsNoMoreThanTheLimit) {
  ASSERT_EQ(::write(theirs_.get(), "0123456789", 10), 10);
  IoBuffer input(blocks_);
  const ReadResult result = transport_->read(input, 4);
  EXPECT_EQ(result.bytes, 4u);
  EXPECT_EQ(input.front(), "0123");
}

TEST_F(TransportTest, ReportsTheEndOfTheStream) {
  theirs_.reset();
  IoBuffer input(blocks_);
  EXPECT_EQ(transport_->read(input, 100).status, ReadResult::Status::end_of_stream);
}

TEST_F(TransportTest, WritesAndConsumesWhatTheSocketTook) {
  IoBuffer output(blocks_);
  output.append("hello");
  const WriteResult result = transport_->write(output);
  EXPECT_EQ(result.status, WriteResult::Status::done);
  EXPECT_TRUE(output.empty());
  char received[8] = {};
  EXPECT_EQ(::read(theirs_.get(), received, sizeof received), 5);
  EXPECT_STREQ(received, "hello");
}

TEST_F(TransportTest, AFullSocketLeavesTheRestAndReportsWritableLater) {
  IoBuffer output(blocks_);
  output.append(std::string(4 << 20, 'w'));
  const WriteResult first = transport_->write(output);
  ASSERT_EQ(first.status, WriteResult::Status::would_block);
  ASSERT_FALSE(output.empty());
  transport_->watch_write(true);
  std::vector<char> sink(1 << 20);
  while (::read(theirs_.get(), sink.data(), sink.size()) > 0) {
  }
  run_once();
  EXPECT_EQ(events_, std::vector<TransportEvent>{TransportEvent::writable});
}

TEST_F(TransportTest, AReadTimeoutFiresWithoutData) {
  transport_->watch_read(true, Duration(20));
  run_once();
  EXPECT_EQ(events_, std::vector<TransportEvent>{TransportEvent::read_timeout});
}

TEST_F(TransportTest, ConnectReportsAFailureThroughFinishConnect) {
  // Port 1 on loopback: nothing listens there, the connect is refused.
  const std::optional<SocketAddress> closed = parse_numeric_address("127.0.0.1:1");
  ASSERT_TRUE(closed);
  std::unique_ptr<Transport> connecting = Transport::connect(base_.get(), *closed);
  ASSERT_NE(connecting, nullptr);
  connecting->set_owner(this);
  connecting->watch_write(true, Duration(2000));
  run_once();
  ASSERT_EQ(events_, std::vector<TransportEvent>{TransportEvent::writable});
  EXPECT_EQ(connecting->finish_connect(), ECONNREFUSED);
}

}  // namespace
}  // namespace relay7
