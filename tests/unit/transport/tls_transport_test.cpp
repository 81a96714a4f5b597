#include "relay7/transport/tls_transport.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include "io_buffer_text.h"
#include "recording_owner.h"
#include "relay7/event/handles.h"
#include "relay7/tls/server_context.h"
#include "support/temp_dir.h"
#include "support/test_certificates.h"

namespace relay7 {
namespace {

// A TlsTransport on one end of a socket pair, an OpenSSL client (non-blocking) on the other.
class TlsTransportTest : public ::testing::Test, protected testing::RecordingOwner {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<testing::TempDir>("relay7-tls-transport");
    const testing::CertificateFiles files =
        testing::make_certificate(dir_->path(), "server", {"server.example"});
    ServerTlsConfig config;
    config.certificates.push_back({files.cert.string(), files.key.string()});
    std::vector<TlsFileError> errors;
    context_ = ServerTlsContext::load(config, errors);
  }
  static void TearDownTestSuite() {
    context_.reset();
    dir_.reset();
  }

  void SetUp() override { start(Duration(5000)); }

  void start(Duration handshake_timeout) {
    ASSERT_TRUE(context_);
    int pair[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair), 0);
    transport_ = std::make_unique<TlsTransport>(base_.get(), UniqueFd(pair[0]), context_->get(),
                                                nullptr, handshake_timeout);
    theirs_.reset(pair[1]);
    transport_->set_owner(this);
    client_.reset(SSL_new(client_context_.get()));
    ASSERT_TRUE(client_);
    SSL_set_fd(client_.get(), theirs_.get());
    SSL_set_connect_state(client_.get());
  }

  // Runs both ends until the client's handshake is done; the server's finishes in its reads.
  void handshake() {
    transport_->watch_read(true);
    IoBuffer input(blocks_);
    for (int turn = 0; turn < 50; ++turn) {
      if (SSL_do_handshake(client_.get()) == 1) {
        return;
      }
      run_once(Duration(100));
      EXPECT_EQ(transport_->read(input, 1024).status, ReadResult::Status::would_block);
    }
    FAIL() << "no handshake";
  }

  void client_write(const std::string& bytes) {
    size_t written = 0;
    ASSERT_EQ(SSL_write_ex(client_.get(), bytes.data(), bytes.size(), &written), 1);
    ASSERT_EQ(written, bytes.size());
  }

  static std::unique_ptr<testing::TempDir> dir_;
  static std::shared_ptr<const ServerTlsContext> context_;
  SslCtxPtr client_context_{SSL_CTX_new(TLS_client_method())};
  BlockPool blocks_;
  UniqueFd theirs_;  // before the transport: it closes first, with close_notify to a live peer
  SslPtr client_;
  std::unique_ptr<TlsTransport> transport_;
};

std::unique_ptr<testing::TempDir> TlsTransportTest::dir_;
std::shared_ptr<const ServerTlsContext> TlsTransportTest::context_;

TEST_F(TlsTransportTest, CarriesPlaintextBothWaysAfterTheHandshake) {
  handshake();
  client_write("hello");
  events_.clear();
  run_once();
  ASSERT_EQ(events_, std::vector<TransportEvent>{TransportEvent::readable});
  IoBuffer input(blocks_);
  ASSERT_EQ(transport_->read(input, 1024).status, ReadResult::Status::data);
  EXPECT_EQ(testing::text_of(input), "hello");

  IoBuffer output(blocks_);
  output.append("HTTP/1.1 200 OK\r\n");
  output.append(std::string(40000, 'b'));  // several IoBuffer blocks, several records
  EXPECT_EQ(transport_->write(output).status, WriteResult::Status::done);
  EXPECT_TRUE(output.empty());
  std::string received;
  char chunk[4096];
  size_t got = 0;
  while (received.size() < 40017 && SSL_read_ex(client_.get(), chunk, sizeof chunk, &got) == 1) {
    received.append(chunk, got);
  }
  EXPECT_EQ(received, "HTTP/1.1 200 OK\r\n" + std::string(40000, 'b'));
}

TEST_F(TlsTransportTest, BytesLeftInOpenSslAreReportedWhenReadingResumes) {
  handshake();
  client_write(std::string(1000, 'x'));  // one record
  run_once();
  IoBuffer input(blocks_);
  ASSERT_EQ(transport_->read(input, 10).bytes, 10u);
  // The socket is empty now: the rest waits in OpenSSL, and only the transport can say so.
  transport_->watch_read(false);
  events_.clear();
  transport_->watch_read(true);
  run_once(Duration(500));
  ASSERT_EQ(events_, std::vector<TransportEvent>{TransportEvent::readable});
  EXPECT_EQ(transport_->read(input, 4096).bytes, 990u);
}

TEST_F(TlsTransportTest, AReadThatMustWriteWaitsForTheSocketToBeWritable) {
  ASSERT_EQ(SSL_do_handshake(client_.get()), -1);  // the ClientHello leaves
  // Nothing more fits towards the client: the ServerHello cannot leave.
  const std::string filler(65536, 'f');
  while (::write(transport_->fd(), filler.data(), filler.size()) > 0) {
  }
  ASSERT_EQ(errno, EAGAIN);
  transport_->watch_read(true);
  run_once();
  IoBuffer input(blocks_);
  ASSERT_EQ(transport_->read(input, 1024).status, ReadResult::Status::would_block);
  events_.clear();
  run_once(Duration(300));
  EXPECT_TRUE(events_.empty()) << "nothing to report while the socket stays full";
  char sink[65536];
  while (::read(theirs_.get(), sink, sizeof sink) > 0) {
  }
  run_once();
  EXPECT_EQ(events_, std::vector<TransportEvent>{TransportEvent::readable})
      << "writable is what the read waited for";
}

TEST_F(TlsTransportTest, AHandshakeThatDoesNotFinishInTimeIsAReadTimeout) {
  start(Duration(100));
  transport_->watch_read(true);
  run_once();
  ASSERT_EQ(events_, std::vector<TransportEvent>{TransportEvent::read_timeout});
  IoBuffer input(blocks_);
  const ReadResult result = transport_->read(input, 1024);
  EXPECT_EQ(result.status, ReadResult::Status::error);
  EXPECT_EQ(result.error, ETIMEDOUT);
}

TEST_F(TlsTransportTest, SendsCloseNotifyWhenItGoesAway) {
  handshake();
  client_write("x");  // the server's side of the handshake ends in the read of it
  run_once();
  IoBuffer input(blocks_);
  ASSERT_EQ(transport_->read(input, 1024).bytes, 1u);
  transport_.reset();
  char byte;
  size_t got = 0;
  EXPECT_EQ(SSL_read_ex(client_.get(), &byte, 1, &got), 0);
  EXPECT_EQ(SSL_get_error(client_.get(), 0), SSL_ERROR_ZERO_RETURN);
}

}  // namespace
}  // namespace relay7
