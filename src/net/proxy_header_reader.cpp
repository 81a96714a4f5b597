#include "relay7/net/proxy_header_reader.h"

#include <sys/socket.h>

#include <cerrno>
#include <new>

#include <spdlog/spdlog.h>

#include "relay7/event/timeval.h"

namespace relay7 {
namespace {

// One peek takes at most this much; a v2 header with large TLVs takes several.
constexpr size_t kPeekSize = 512;

}  // namespace

ProxyHeaderReader::ProxyHeaderReader(event_base* base, UniqueFd fd, const SocketAddress& peer,
                                     size_t listener, Duration timeout, ProxyHeaderOwner& owner)
    : fd_(std::move(fd)), peer_(peer), listener_(listener), owner_(owner) {
  read_event_.reset(
      event_new(base, fd_.get(), EV_READ | EV_PERSIST, &ProxyHeaderReader::on_readable, this));
  deadline_.reset(evtimer_new(base, &ProxyHeaderReader::on_deadline, this));
  if (!read_event_ || !deadline_) {
    throw std::bad_alloc();
  }
  // One deadline for the whole header, not per read: a client trickling one byte at a time
  // must not hold the connection longer than one that sends nothing.
  const timeval deadline = to_timeval(timeout);
  event_add(deadline_.get(), &deadline);
  event_add(read_event_.get(), nullptr);
}

void ProxyHeaderReader::on_readable(evutil_socket_t, short, void* context) {
  static_cast<ProxyHeaderReader*>(context)->read_available();
}

void ProxyHeaderReader::on_deadline(evutil_socket_t, short, void* context) {
  static_cast<ProxyHeaderReader*>(context)->give_up("PROXY header not complete in time");
}

void ProxyHeaderReader::read_available() {
  uint8_t peeked[kPeekSize];
  for (;;) {
    const ssize_t got = ::recv(fd_.get(), peeked, sizeof peeked, MSG_PEEK);
    if (got < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        return;
      }
      give_up(nullptr);
      return;
    }
    if (got == 0) {
      give_up(parser_.header_length() == 0 ? nullptr : "connection closed inside the PROXY header");
      return;
    }
    const ProxyProtocolParser::Result result =
        parser_.feed(std::span<const uint8_t>(peeked, static_cast<size_t>(got)));
    if (result.status == ProxyProtocolParser::Status::error) {
      give_up(parser_.error());
      return;
    }
    // Consume exactly the header's bytes of what was peeked: they are at the socket's head.
    uint8_t discard[kPeekSize];
    if (::recv(fd_.get(), discard, result.consumed, 0) != static_cast<ssize_t>(result.consumed)) {
      give_up(nullptr);
      return;
    }
    if (result.status == ProxyProtocolParser::Status::done) {
      read_event_.reset();
      deadline_.reset();
      const SocketAddress peer = parser_.source().value_or(peer_);
      owner_.on_proxy_header(*this, std::move(fd_), peer);  // may destroy this reader
      return;
    }
  }
}

void ProxyHeaderReader::give_up(const char* reason) {
  read_event_.reset();
  deadline_.reset();
  fd_ = UniqueFd();
  owner_.on_proxy_header_failed(*this, reason);  // may destroy this reader
}

void ProxyRefusalLog::note(const std::string& listen, const SocketAddress& peer, const char* reason,
                           int64_t now_ms) {
  spdlog::debug("{}: refused a connection from {}: {}", listen, peer.to_string(), reason);
  ++unreported_;
  last_ = listen + " from " + peer.to_string() + ": " + reason;
  flush(now_ms);
}

void ProxyRefusalLog::flush(int64_t now_ms) {
  if (unreported_ == 0 || now_ms - last_warning_ms_ < period_ms_) {
    return;
  }
  spdlog::warn("refused {} connection(s) without a valid PROXY protocol header (latest on {})",
               unreported_, last_);
  unreported_ = 0;
  last_warning_ms_ = now_ms;
}

}  // namespace relay7
