// The client side of TlsTransport (upstream connections): the handshake driven by
// finish_connect, the certificate and name checks, and the session kept for resumption. The
// server is OpenSSL (non-blocking) on the other end of a socket pair.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include "io_buffer_text.h"
#include "recording_owner.h"
#include "relay7/tls/tls_peer.h"
#include "relay7/tls/upstream_context.h"
#include "relay7/transport/tls_transport.h"
#include "support/temp_dir.h"
#include "support/test_certificates.h"

namespace relay7 {
namespace {

using ::testing::HasSubstr;

class TlsTransportClientTest : public ::testing::Test, protected testing::RecordingOwner {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<testing::TempDir>("relay7-tls-client");
    files_ = testing::make_certificate(dir_->path(), "server", {"server.example"});
  }
  static void TearDownTestSuite() { dir_.reset(); }

  void SetUp() override {
    server_context_.reset(SSL_CTX_new(TLS_server_method()));
    ASSERT_EQ(SSL_CTX_use_certificate_chain_file(server_context_.get(), files_.cert.c_str()), 1);
    ASSERT_EQ(
        SSL_CTX_use_PrivateKey_file(server_context_.get(), files_.key.c_str(), SSL_FILETYPE_PEM),
        1);
  }

  // A peer trusting the server's certificate, checking `name`.
  void use_peer(const std::string& name) {
    UpstreamTlsConfig config;
    config.ca = files_.cert.string();
    std::vector<UpstreamTlsFileError> errors;
    peer_ = std::make_shared<TlsPeer>();
    peer_->context = UpstreamTlsContext::load(config, errors);
    ASSERT_TRUE(peer_->context);
    peer_->server_name = name;
  }

  // A client transport and a server SSL over a new socket pair.
  void open() {
    int pair[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair), 0);
    transport_ = std::make_unique<TlsTransport>(base_.get(), UniqueFd(pair[0]), peer_);
    theirs_.reset(pair[1]);
    transport_->set_owner(this);
    server_.reset(SSL_new(server_context_.get()));
    SSL_set_fd(server_.get(), theirs_.get());
    SSL_set_accept_state(server_.get());
  }

  // Runs both ends until finish_connect says something other than EINPROGRESS.
  int connect() {
    transport_->watch_write(true);
    for (int turn = 0; turn < 50; ++turn) {
      const int result = transport_->finish_connect();
      if (result != EINPROGRESS) {
        return result;
      }
      SSL_do_handshake(server_.get());
      run_once(Duration(100));
    }
    return ETIMEDOUT;
  }

  // The server sends `text`; the transport reads it (and what came before it: tickets).
  std::string server_says(const std::string& text) {
    size_t written = 0;
    EXPECT_EQ(SSL_write_ex(server_.get(), text.data(), text.size(), &written), 1);
    IoBuffer input(blocks_);
    for (int turn = 0; turn < 10 && input.size() < text.size(); ++turn) {
      transport_->read(input, 1024);
    }
    return testing::text_of(input);
  }

  static std::unique_ptr<testing::TempDir> dir_;
  static testing::CertificateFiles files_;
  SslCtxPtr server_context_;
  std::shared_ptr<TlsPeer> peer_;
  BlockPool blocks_;
  UniqueFd theirs_;
  SslPtr server_;
  std::unique_ptr<TlsTransport> transport_;
};

std::unique_ptr<testing::TempDir> TlsTransportClientTest::dir_;
testing::CertificateFiles TlsTransportClientTest::files_;

TEST_F(TlsTransportClientTest, HandshakeRunsInFinishConnectAndSendsTheName) {
  use_peer("server.example");
  open();
  EXPECT_EQ(connect(), 0);
  const char* sni = SSL_get_servername(server_.get(), TLSEXT_NAMETYPE_host_name);
  ASSERT_NE(sni, nullptr);
  EXPECT_STREQ(sni, "server.example");
  EXPECT_EQ(server_says("hello"), "hello");
}

TEST_F(TlsTransportClientTest, ANameTheCertificateDoesNotCoverFails) {
  use_peer("other.example");
  open();
  const int error = connect();
  EXPECT_EQ(error, EPROTO);
  EXPECT_EQ(transport_->describe_error(error),
            "TLS certificate verification failed: hostname mismatch");
}

TEST_F(TlsTransportClientTest, AnIpAddressIsCheckedButNotSentAsSni) {
  use_peer("127.0.0.1");
  open();
  const int error = connect();
  EXPECT_EQ(SSL_get_servername(server_.get(), TLSEXT_NAMETYPE_host_name), nullptr);
  EXPECT_THAT(transport_->describe_error(error), HasSubstr("IP address mismatch"));
}

TEST_F(TlsTransportClientTest, TheSessionIsKeptAndResumedByTheNextConnection) {
  use_peer("server.example");
  open();
  ASSERT_EQ(connect(), 0);
  EXPECT_EQ(peer_->sessions.get(), nullptr);  // TLS 1.3: the ticket comes after the handshake
  EXPECT_EQ(server_says("first"), "first");
  ASSERT_NE(peer_->sessions.get(), nullptr);

  transport_.reset();
  open();
  ASSERT_EQ(connect(), 0);
  EXPECT_EQ(SSL_session_reused(server_.get()), 1);
}

}  // namespace
}  // namespace relay7
