#include "relay7/event/socket_reader.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relay7/event/handles.h"

namespace relay7 {
namespace {

// A reader on one end of a socket pair; the test writes to (and closes) the other end.
class SocketReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    base_.reset(event_base_new());
    bev_.reset(bufferevent_socket_new(base_.get(), fds[0], BEV_OPT_CLOSE_ON_FREE));
    peer_ = fds[1];
    reader_.emplace(bev_.get(), 1024);
    ASSERT_TRUE(reader_->valid());
    reader_->set_callbacks(&SocketReaderTest::on_read, &SocketReaderTest::on_event, this);
  }
  void TearDown() override {
    reader_.reset();
    bev_.reset();
    if (peer_ >= 0) {
      ::close(peer_);
    }
  }

  static void on_read(bufferevent*, void* context) {
    auto* self = static_cast<SocketReaderTest*>(context);
    ++self->reads_;
    if (self->destroy_on_read_) {
      self->reader_.reset();
    }
  }
  static void on_event(bufferevent*, short events, void* context) {
    static_cast<SocketReaderTest*>(context)->events_.push_back(events);
  }

  void send(const std::string& data) {
    ASSERT_EQ(::write(peer_, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  }
  void run_once() { event_base_loop(base_.get(), EVLOOP_NONBLOCK); }
  size_t buffered() { return evbuffer_get_length(bufferevent_get_input(bev_.get())); }

  EventBasePtr base_;
  BufferEventPtr bev_;
  int peer_ = -1;
  std::optional<SocketReader> reader_;
  int reads_ = 0;
  bool destroy_on_read_ = false;
  std::vector<short> events_;
};

TEST_F(SocketReaderTest, ReadsIntoTheInputBufferOnlyWhileEnabled) {
  send("hello");
  run_once();
  EXPECT_EQ(reads_, 0);
  reader_->enable();
  run_once();
  EXPECT_EQ(reads_, 1);
  EXPECT_EQ(buffered(), 5u);
  reader_->disable();
  send("more");
  run_once();
  EXPECT_EQ(reads_, 1);
  reader_->enable();
  run_once();
  EXPECT_EQ(buffered(), 9u);
  EXPECT_TRUE(events_.empty());
}

TEST_F(SocketReaderTest, ReportsEndOfStreamAndStops) {
  reader_->enable();
  send("last");
  ::close(peer_);
  peer_ = -1;
  run_once();
  run_once();
  EXPECT_EQ(buffered(), 4u);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0], BEV_EVENT_READING | BEV_EVENT_EOF);
  EXPECT_FALSE(reader_->enabled());
}

TEST_F(SocketReaderTest, ReportsATimeoutWhileEnabled) {
  const timeval timeout{0, 20 * 1000};
  reader_->set_timeout(&timeout);
  reader_->enable();
  event_base_loop(base_.get(), EVLOOP_ONCE);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0], BEV_EVENT_READING | BEV_EVENT_TIMEOUT);
  EXPECT_FALSE(reader_->enabled());
}

TEST_F(SocketReaderTest, StopsAtTheLimitAndResumesOnceTheInputDrains) {
  reader_->enable();
  send(std::string(3000, 'x'));
  run_once();
  EXPECT_EQ(buffered(), 1024u);
  run_once();
  EXPECT_EQ(buffered(), 1024u);  // nothing more is read while the input is full
  evbuffer_drain(bufferevent_get_input(bev_.get()), 1000);
  run_once();
  EXPECT_EQ(buffered(), 1024u);
  evbuffer_drain(bufferevent_get_input(bev_.get()), 1024);
  run_once();
  EXPECT_EQ(buffered(), 976u);
  EXPECT_TRUE(events_.empty());
}

TEST_F(SocketReaderTest, MayBeDestroyedFromItsReadCallback) {
  destroy_on_read_ = true;
  reader_->enable();
  send("x");
  run_once();
  EXPECT_EQ(reads_, 1);
  EXPECT_FALSE(reader_.has_value());
  send("y");
  run_once();
  EXPECT_EQ(reads_, 1);
}

}  // namespace
}  // namespace relay7
