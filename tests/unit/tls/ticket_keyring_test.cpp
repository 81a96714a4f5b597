#include "relay7/tls/ticket_keyring.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>

#include "relay7/tls/handles.h"
#include "support/temp_dir.h"
#include "support/test_certificates.h"

namespace relay7 {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::unique_ptr<TicketKeyring> make_keyring(Clock::time_point now = Clock::now()) {
  std::string error;
  auto keyring = TicketKeyring::create(now, error);
  EXPECT_TRUE(keyring) << error;
  return keyring;
}

bool same_key(const TicketKeyring::Key& a, const TicketKeyring::Key& b) {
  return a.name == b.name && a.aes == b.aes && a.hmac == b.hmac;
}

TEST(TicketKeyringTest, StartsWithOneKeyAndRotatesEveryTwelveHours) {
  const Clock::time_point start = Clock::now();
  auto keyring = make_keyring(start);
  EXPECT_EQ(keyring->read().count, 1u);
  EXPECT_EQ(keyring->next_rotation(), start + 12h);
  ASSERT_TRUE(keyring->rotate(start + 12h));
  EXPECT_EQ(keyring->next_rotation(), start + 24h);
}

// The newest key encrypts; the two before it still decrypt (24 h after they stop encrypting);
// the one before those is gone.
TEST(TicketKeyringTest, KeepsTheNewestThreeKeysNewestFirst) {
  auto keyring = make_keyring();
  std::vector<TicketKeyring::Key> made{keyring->read().keys[0]};
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(keyring->rotate(Clock::now()));
    made.push_back(keyring->read().keys[0]);
  }
  const TicketKeyring::Snapshot snapshot = keyring->read();
  ASSERT_EQ(snapshot.count, 3u);
  EXPECT_TRUE(same_key(snapshot.keys[0], made[3]));
  EXPECT_TRUE(same_key(snapshot.keys[1], made[2]));
  EXPECT_TRUE(same_key(snapshot.keys[2], made[1]));
  EXPECT_FALSE(same_key(made[0], made[1]));
}

// Workers are forked from the master: a key the master makes later reaches them.
TEST(TicketKeyringTest, AChildProcessSeesKeysMadeAfterTheFork) {
  auto keyring = make_keyring();
  int to_child[2];
  ASSERT_EQ(::pipe(to_child), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    char byte;
    const bool told = ::read(to_child[0], &byte, 1) == 1;
    ::_exit(told && keyring->read().count == 2 ? 0 : 1);
  }
  ASSERT_TRUE(keyring->rotate(Clock::now()));
  ASSERT_EQ(::write(to_child[1], "x", 1), 1);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ::close(to_child[0]);
  ::close(to_child[1]);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

// A TLS server and client in memory, the server's context made anew for each handshake as a
// reload makes it, with the keyring attached.
class TicketResumptionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<testing::TempDir>("relay7-ticket-keyring");
    files_ = testing::make_certificate(dir_->path(), "shop", {"shop.example"});
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static SslCtxPtr server_context(const TicketKeyring* keyring) {
    SslCtxPtr context(SSL_CTX_new(TLS_server_method()));
    EXPECT_EQ(SSL_CTX_use_certificate_chain_file(context.get(), files_.cert.c_str()), 1);
    EXPECT_EQ(SSL_CTX_use_PrivateKey_file(context.get(), files_.key.c_str(), SSL_FILETYPE_PEM), 1);
    static const unsigned char kSessionContext[] = "shop";
    SSL_CTX_set_session_id_context(context.get(), kSessionContext, sizeof kSessionContext);
    // Only tickets can resume: no per-context session cache to fall back on.
    SSL_CTX_set_session_cache_mode(context.get(), SSL_SESS_CACHE_OFF);
    if (keyring != nullptr) {
      keyring->attach(context.get());
    }
    return context;
  }

  struct Outcome {
    bool completed = false;
    bool reused = false;
    std::shared_ptr<SSL_SESSION> session;
  };

  // One handshake and one application byte each way (TLS 1.3 tickets follow the handshake).
  static Outcome handshake(SSL_CTX* server_context, int version, SSL_SESSION* offer) {
    SslCtxPtr client_context(SSL_CTX_new(TLS_client_method()));
    SSL_CTX_set_min_proto_version(client_context.get(), version);
    SSL_CTX_set_max_proto_version(client_context.get(), version);
    SslPtr client(SSL_new(client_context.get()));
    SslPtr server(SSL_new(server_context));
    BIO* client_bio = nullptr;
    BIO* server_bio = nullptr;
    BIO_new_bio_pair(&client_bio, 0, &server_bio, 0);
    SSL_set_bio(client.get(), client_bio, client_bio);
    SSL_set_bio(server.get(), server_bio, server_bio);
    SSL_set_connect_state(client.get());
    SSL_set_accept_state(server.get());
    if (offer != nullptr) {
      SSL_set_session(client.get(), offer);
    }
    Outcome outcome;
    char byte = 'x';
    bool server_done = false;
    bool client_done = false;
    for (int round = 0; round < 20 && !(server_done && client_done); ++round) {
      if (!client_done) {
        client_done = SSL_do_handshake(client.get()) == 1;
      }
      if (!server_done) {
        server_done = SSL_do_handshake(server.get()) == 1;
      }
    }
    if (!server_done || !client_done || SSL_write(server.get(), &byte, 1) != 1 ||
        SSL_read(client.get(), &byte, 1) != 1) {
      return outcome;
    }
    outcome.completed = true;
    outcome.reused = SSL_session_reused(client.get()) == 1;
    SSL_SESSION* session = SSL_get1_session(client.get());
    outcome.session = std::shared_ptr<SSL_SESSION>(session, SSL_SESSION_free);
    SSL_shutdown(client.get());
    return outcome;
  }

  static std::unique_ptr<testing::TempDir> dir_;
  static testing::CertificateFiles files_;
};

std::unique_ptr<testing::TempDir> TicketResumptionTest::dir_;
testing::CertificateFiles TicketResumptionTest::files_;

TEST_F(TicketResumptionTest, ATicketResumesWithANewContextOnTheSameKeyring) {
  auto keyring = make_keyring();
  for (const int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    const Outcome first = handshake(server_context(keyring.get()).get(), version, nullptr);
    ASSERT_TRUE(first.completed) << version;
    EXPECT_FALSE(first.reused);
    const Outcome again =
        handshake(server_context(keyring.get()).get(), version, first.session.get());
    ASSERT_TRUE(again.completed) << version;
    EXPECT_TRUE(again.reused) << version;
  }
}

std::string ticket_of(const SSL_SESSION* session) {
  const unsigned char* ticket = nullptr;
  size_t length = 0;
  SSL_SESSION_get0_ticket(session, &ticket, &length);
  return std::string(reinterpret_cast<const char*>(ticket), length);
}

// TLS 1.3 tickets are single-use for browsers: each resumption hands out a fresh one, which
// resumes in turn. A TLS 1.2 ticket under the newest key stays as it is.
TEST_F(TicketResumptionTest, ATls13ResumptionGetsAFreshTicketThatResumesAgain) {
  auto keyring = make_keyring();
  const Outcome first = handshake(server_context(keyring.get()).get(), TLS1_3_VERSION, nullptr);
  ASSERT_TRUE(first.completed);
  const Outcome second =
      handshake(server_context(keyring.get()).get(), TLS1_3_VERSION, first.session.get());
  ASSERT_TRUE(second.completed && second.reused);
  ASSERT_FALSE(ticket_of(second.session.get()).empty());
  EXPECT_NE(ticket_of(second.session.get()), ticket_of(first.session.get()));
  const Outcome third =
      handshake(server_context(keyring.get()).get(), TLS1_3_VERSION, second.session.get());
  EXPECT_TRUE(third.completed && third.reused);

  const Outcome tls12 = handshake(server_context(keyring.get()).get(), TLS1_2_VERSION, nullptr);
  const Outcome again =
      handshake(server_context(keyring.get()).get(), TLS1_2_VERSION, tls12.session.get());
  ASSERT_TRUE(again.completed && again.reused);
  EXPECT_EQ(ticket_of(again.session.get()), ticket_of(tls12.session.get()));
}

TEST_F(TicketResumptionTest, WithoutTheKeyringANewContextCannotResume) {
  auto keyring = make_keyring();
  const Outcome first = handshake(server_context(keyring.get()).get(), TLS1_3_VERSION, nullptr);
  ASSERT_TRUE(first.completed);
  const Outcome elsewhere =
      handshake(server_context(nullptr).get(), TLS1_3_VERSION, first.session.get());
  ASSERT_TRUE(elsewhere.completed);
  EXPECT_FALSE(elsewhere.reused);
}

// A ticket lives through two rotations (encrypting 12 h, then decrypting 24 h) and no longer.
TEST_F(TicketResumptionTest, ATicketResumesUntilItsKeyIsDropped) {
  auto keyring = make_keyring();
  const Outcome first = handshake(server_context(keyring.get()).get(), TLS1_2_VERSION, nullptr);
  ASSERT_TRUE(first.completed);
  for (int rotations = 1; rotations <= 3; ++rotations) {
    ASSERT_TRUE(keyring->rotate(Clock::now()));
    const Outcome later =
        handshake(server_context(keyring.get()).get(), TLS1_2_VERSION, first.session.get());
    ASSERT_TRUE(later.completed);
    EXPECT_EQ(later.reused, rotations < 3) << rotations;
  }
}

}  // namespace
}  // namespace relay7
