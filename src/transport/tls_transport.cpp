#include "relay7/transport/tls_transport.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

#include "relay7/event/timeval.h"
#include "relay7/metrics/metrics_recorder.h"
#include "relay7/tls/openssl_error.h"

namespace relay7 {
namespace {

// The most plaintext in one TLS record. Small iovecs (a response head, a chunk header) are
// gathered up to this much before SSL_write, so that they leave as one record and one send.
constexpr size_t kRecordPlaintext = 16 * 1024;
constexpr size_t kGatherVectors = 32;

}  // namespace

TlsTransport::TlsTransport(event_base* base, UniqueFd fd, SSL_CTX* context,
                           const TlsContextSelector* selector, Duration handshake_timeout)
    : Transport(base, std::move(fd)),
      ssl_(SSL_new(context)),
      handshake_timer_(evtimer_new(base, &TlsTransport::on_handshake_timeout, this)) {
  if (!ssl_ || !handshake_timer_ || SSL_set_fd(ssl_.get(), this->fd()) != 1) {
    ERR_clear_error();
    throw std::bad_alloc();
  }
  SSL_set_accept_state(ssl_.get());
  // The servername callback of the context reads it back; OpenSSL only stores the pointer.
  SSL_set_app_data(ssl_.get(), const_cast<TlsContextSelector*>(selector));
  add_event(handshake_timer_.get(), handshake_timeout);
}

TlsTransport::TlsTransport(event_base* base, UniqueFd fd, std::shared_ptr<TlsPeer> peer)
    : Transport(base, std::move(fd)), ssl_(SSL_new(peer->context->get())), peer_(std::move(peer)) {
  if (!ssl_ || SSL_set_fd(ssl_.get(), this->fd()) != 1) {
    ERR_clear_error();
    throw std::bad_alloc();
  }
  SSL_set_connect_state(ssl_.get());
  set_peer_name(peer_->server_name);
  // The context's new-session callback reads the slot back; OpenSSL only stores the pointer.
  SSL_set_app_data(ssl_.get(), &peer_->sessions);
  if (SSL_SESSION* last = peer_->sessions.get()) {
    SSL_set_session(ssl_.get(), last);  // takes a reference of its own
  }
}

// An IP address is checked against the certificate's IP addresses and never sent as SNI (RFC
// 6066, 3); a name is both.
void TlsTransport::set_peer_name(const std::string& name) {
  X509_VERIFY_PARAM* parameters = SSL_get0_param(ssl_.get());
  if (X509_VERIFY_PARAM_set1_ip_asc(parameters, name.c_str()) == 1) {
    return;
  }
  ERR_clear_error();
  X509_VERIFY_PARAM_set_hostflags(parameters, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (SSL_set_tlsext_host_name(ssl_.get(), name.c_str()) != 1 ||
      SSL_set1_host(ssl_.get(), name.c_str()) != 1) {
    ERR_clear_error();
    throw std::bad_alloc();  // the config checked the name: only memory can fail it
  }
}

std::unique_ptr<Transport> TlsTransport::connect(event_base* base, const SocketAddress& address,
                                                 std::shared_ptr<TlsPeer> peer) noexcept {
  UniqueFd fd = connecting_socket(address);
  if (!fd.valid()) {
    return nullptr;
  }
  try {
    auto transport = std::make_unique<TlsTransport>(base, std::move(fd), std::move(peer));
    if (!transport->valid()) {
      errno = ENOMEM;
      return nullptr;
    }
    return transport;
  } catch (const std::bad_alloc&) {
    errno = ENOMEM;
    return nullptr;
  }
}

int TlsTransport::finish_connect() {
  if (const int error = Transport::finish_connect(); error != 0) {
    return error;
  }
  return continue_handshake();
}

// One step of the client handshake. A handshake that waits for the server holds back the
// owner's write event and reports writable when the socket turns readable, as a write does.
int TlsTransport::continue_handshake() {
  if (failure_ != 0) {
    return failure_;
  }
  const int result = SSL_do_handshake(ssl_.get());
  if (result == 1) {
    end_write_wait();
    return 0;
  }
  switch (classify(result, "connect")) {
    case Stall::want_read:
      return wait_readable_for_write() ? EINPROGRESS : failure_;
    case Stall::want_write:
      return EINPROGRESS;  // the owner's write event goes on
    case Stall::closed:
      failure_ = ECONNRESET;
      return failure_;
    case Stall::failed:
      break;
  }
  return failure_;
}

bool TlsTransport::negotiated_h2() const {
  const unsigned char* protocol = nullptr;
  unsigned int length = 0;
  SSL_get0_alpn_selected(ssl_.get(), &protocol, &length);
  return length == 2 && protocol[0] == 'h' && protocol[1] == '2';
}

std::string TlsTransport::describe_error(int error) const {
  if (error != EPROTO) {
    return Transport::describe_error(error);
  }
  if (peer_ && !SSL_is_init_finished(ssl_.get())) {
    const long verify = SSL_get_verify_result(ssl_.get());
    if (verify != X509_V_OK) {
      return std::string("TLS certificate verification failed: ") +
             X509_verify_cert_error_string(verify);
    }
  }
  return std::string("TLS failed: ") +
         (failure_reason_ != nullptr ? failure_reason_ : "protocol error");
}

TlsTransport::~TlsTransport() {
  if (handshake_timer_ && handshake_metrics_ != nullptr) {
    handshake_metrics_->count_tls_handshake(TlsHandshakeResult::failed);
  }
  if (can_send_close_notify()) {
    // Best effort, as the socket closes right after: a close_notify that does not fit the
    // socket's buffer is dropped.
    SSL_shutdown(ssl_.get());
    ERR_clear_error();
  }
  // Before peer_, whose session slot the SSL's app data points at.
  ssl_.reset();
}

bool TlsTransport::can_send_close_notify() const {
  // OpenSSL forbids SSL_shutdown after a fatal error; before the handshake there is no session
  // to close.
  return failure_ == 0 && SSL_is_init_finished(ssl_.get()) &&
         (SSL_get_shutdown(ssl_.get()) & SSL_SENT_SHUTDOWN) == 0;
}

ReadResult TlsTransport::read(IoBuffer& into, size_t limit) {
  if (failure_ != 0) {
    return {ReadResult::Status::error, 0, failure_};
  }
  size_t total = 0;
  while (total < limit) {
    iovec space;
    into.reserve(limit - total, &space, 1);
    size_t received = 0;
    const int result = SSL_read_ex(ssl_.get(), space.iov_base, space.iov_len, &received);
    after_ssl_call();
    if (result == 1) {
      into.commit(received);
      total += received;
      end_read_wait();
      continue;
    }
    into.commit(0);
    Stall stall = classify(result, "read");
    if (stall == Stall::want_write && !wait_writable_for_read()) {
      stall = Stall::failed;
    } else if (stall == Stall::want_read) {
      end_read_wait();
    }
    if (total > 0) {
      // What was read is delivered now; the end or the error shows at the next read.
      return {ReadResult::Status::data, total};
    }
    switch (stall) {
      case Stall::want_read:
      case Stall::want_write:
        return {ReadResult::Status::would_block, 0};
      case Stall::closed:
        return {ReadResult::Status::end_of_stream, 0};
      case Stall::failed:
        return {ReadResult::Status::error, 0, failure_};
    }
  }
  // The limit was reached with a record partly delivered: its rest is in OpenSSL's buffer, where
  // no socket event will announce it.
  if (SSL_has_pending(ssl_.get()) == 1 && watching_read()) {
    notify_readable();
  }
  return {ReadResult::Status::data, total};
}

WriteResult TlsTransport::write(IoBuffer& from) {
  if (failure_ != 0) {
    return {WriteResult::Status::error, 0, failure_};
  }
  size_t total = 0;
  while (!from.empty()) {
    iovec vectors[kGatherVectors];
    const size_t count = from.gather(vectors, kGatherVectors);
    const void* data = vectors[0].iov_base;
    size_t length = vectors[0].iov_len;
    // A write retried after WANT_WRITE must offer at least the bytes of the first attempt: the
    // front of `from` is unchanged until consumed, and this gathers it the same way again.
    char gathered[kRecordPlaintext];
    if (count > 1 && length < kRecordPlaintext) {
      length = 0;
      for (size_t i = 0; i < count && length < kRecordPlaintext; ++i) {
        const size_t take = std::min(vectors[i].iov_len, kRecordPlaintext - length);
        std::memcpy(gathered + length, vectors[i].iov_base, take);
        length += take;
      }
      data = gathered;
    }
    size_t written = 0;
    const int result = SSL_write_ex(ssl_.get(), data, length, &written);
    after_ssl_call();
    if (result == 1) {
      from.consume(written);
      total += written;
      end_write_wait();
      continue;
    }
    switch (classify(result, "write")) {
      case Stall::want_read:
        if (!wait_readable_for_write()) {
          return {WriteResult::Status::error, total, failure_};
        }
        return {WriteResult::Status::would_block, total};
      case Stall::want_write:
        return {WriteResult::Status::would_block, total};
      case Stall::closed:
      case Stall::failed:
        if (failure_ == 0) {
          failure_ = EPIPE;
        }
        return {WriteResult::Status::error, total, failure_};
    }
  }
  return {WriteResult::Status::done, total};
}

void TlsTransport::shutdown_write() {
  if (can_send_close_notify()) {
    SSL_shutdown(ssl_.get());
    ERR_clear_error();
  }
  Transport::shutdown_write();
}

void TlsTransport::after_ssl_call() {
  if (handshake_timer_ && SSL_is_init_finished(ssl_.get())) {
    handshake_timer_.reset();
    if (handshake_metrics_ != nullptr) {
      handshake_metrics_->count_tls_handshake(TlsHandshakeResult::ok);
    }
  }
}

TlsTransport::Stall TlsTransport::classify(int result, const char* operation) {
  const int saved_errno = errno;
  switch (SSL_get_error(ssl_.get(), result)) {
    case SSL_ERROR_WANT_READ:
      return Stall::want_read;
    case SSL_ERROR_WANT_WRITE:
      return Stall::want_write;
    case SSL_ERROR_ZERO_RETURN:
      return Stall::closed;
    case SSL_ERROR_SYSCALL:
      failure_ = saved_errno != 0 ? saved_errno : ECONNRESET;
      ERR_clear_error();
      break;
    default: {
      failure_ = EPROTO;
      const unsigned long code = ERR_peek_last_error();
      failure_reason_ = code != 0 ? ERR_reason_error_string(code) : nullptr;
      // At debug level: scanners and clients that dislike a certificate fail handshakes all day.
      spdlog::debug("TLS {} failed{}: {}", operation,
                    SSL_is_init_finished(ssl_.get()) ? "" : " in the handshake",
                    take_openssl_error());
      break;
    }
  }
  return Stall::failed;
}

void TlsTransport::on_read_watch_started() {
  if (SSL_has_pending(ssl_.get()) == 1) {
    notify_readable();
  }
}

// False (the transport failed) when the event cannot be made: this runs inside event callbacks,
// where no exception may go.
bool TlsTransport::wait_writable_for_read() {
  if (!read_wait_) {
    read_wait_.reset(event_new(base(), fd(), EV_WRITE, &TlsTransport::on_read_wait, this));
  }
  if (!read_wait_ || add_event(read_wait_.get(), read_timeout()) != 0) {
    failure_ = ENOMEM;
    return false;
  }
  hold_read_event(true);
  return true;
}

bool TlsTransport::wait_readable_for_write() {
  if (!write_wait_) {
    write_wait_.reset(event_new(base(), fd(), EV_READ, &TlsTransport::on_write_wait, this));
  }
  if (!write_wait_ || add_event(write_wait_.get(), write_timeout()) != 0) {
    failure_ = ENOMEM;
    return false;
  }
  hold_write_event(true);
  return true;
}

void TlsTransport::end_read_wait() {
  if (read_wait_) {
    event_del(read_wait_.get());
  }
  hold_read_event(false);
}

void TlsTransport::end_write_wait() {
  if (write_wait_) {
    event_del(write_wait_.get());
  }
  hold_write_event(false);
}

void TlsTransport::on_read_wait(evutil_socket_t, short what, void* context) {
  auto* self = static_cast<TlsTransport*>(context);
  self->hold_read_event(false);
  if (self->watching_read()) {
    self->deliver((what & EV_TIMEOUT) != 0 ? TransportEvent::read_timeout
                                           : TransportEvent::readable);
  }
}

void TlsTransport::on_write_wait(evutil_socket_t, short what, void* context) {
  auto* self = static_cast<TlsTransport*>(context);
  self->hold_write_event(false);
  if (self->watching_write()) {
    self->deliver((what & EV_TIMEOUT) != 0 ? TransportEvent::write_timeout
                                           : TransportEvent::writable);
  }
}

void TlsTransport::on_handshake_timeout(evutil_socket_t, short, void* context) {
  auto* self = static_cast<TlsTransport*>(context);
  spdlog::debug("TLS handshake timed out");
  self->failure_ = ETIMEDOUT;
  // As a read timeout: every owner closes on it at once, where a readable event would leave an
  // owner that only reads once a request is due (a parked connection unparking) waiting.
  self->deliver(TransportEvent::read_timeout);
}

}  // namespace relay7
