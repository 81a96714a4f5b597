#include "relay7/http1/client_session.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "relay7/event/timeval.h"
#include "relay7/http/status.h"
#include "relay7/transport/flow_limits.h"
#include "relay7/upstream/connection_pool.h"

namespace relay7 {

Http1ClientSession::Http1ClientSession(ConnectionPool& pool, std::unique_ptr<Transport> transport,
                                       BlockPool& blocks, const ParserLimits& limits,
                                       bool connecting)
    : pool_(pool),
      transport_(std::move(transport)),
      input_(blocks),
      output_(blocks),
      parser_(MessageType::response, *this, limits),
      stage_(connecting ? Stage::connecting : Stage::idle) {
  transport_->set_owner(this);
  ++pool_.live_connections_;
}

Http1ClientSession::~Http1ClientSession() {
  --pool_.live_connections_;
  if (transport_) {
    transport_->set_owner(nullptr);
  }
}

void Http1ClientSession::begin(ClientSessionHandler& handler, const UpstreamTimeouts& timeouts,
                               const IoBuffer& head_and_body, bool request_complete) {
  handler_ = &handler;
  timeouts_ = timeouts;
  request_complete_ = request_complete;
  response_byte_seen_ = false;
  end_of_stream_ = false;
  reading_suspended_ = false;
  keep_alive_ = false;
  message_ended_ = false;
  read_until_close_ = false;
  body_remaining_ = 0;
  parser_.reset();
  input_.clear();
  output_.clear();
  head_and_body.copy_to(output_, head_and_body.size());
  transport_->set_owner(this);
  if (stage_ == Stage::connecting) {
    transport_->watch_write(true, timeouts_.connect);
    return;
  }
  stage_ = Stage::sending;
  apply_read_timeout();
  flush(false);
}

void Http1ClientSession::send(std::string_view bytes) {
  output_.append(bytes);
  if (stage_ != Stage::connecting) {
    flush(false);
  }
}

void Http1ClientSession::finish_request() {
  request_complete_ = true;
  if (stage_ == Stage::sending) {
    stage_ = Stage::awaiting;
  }
  apply_read_timeout();
}

bool Http1ClientSession::output_backlogged() const {
  return output_.size() > kBufferHighWatermark;
}

bool Http1ClientSession::reusable() const {
  return stage_ == Stage::complete && keep_alive_ && request_complete_ && !read_until_close_ &&
         !end_of_stream_ && input_.empty();
}

void Http1ClientSession::resume_reading() {
  if (!reading_suspended_ || handler_ == nullptr) {
    return;
  }
  reading_suspended_ = false;
  apply_read_timeout();
  process_input();
}

void Http1ClientSession::idle() {
  handler_ = nullptr;
  stage_ = Stage::idle;
  reused_ = true;
  input_.clear();
  output_.clear();
  transport_->watch_write(false);
  // The read event stays as the response left it, with the read timeout: changing it would cost
  // an event_add per request. Should that timeout fire while idle, the connection just goes on
  // waiting (on_idle_event); the pool's trim closes what idles too long.
  if (!transport_->watching_read()) {
    transport_->watch_read(true);
  }
}

std::unique_ptr<Transport> Http1ClientSession::take_transport() {
  handler_ = nullptr;
  transport_->set_owner(nullptr);
  transport_->watch_read(false);
  transport_->watch_write(false);
  return std::move(transport_);
}

IoBuffer Http1ClientSession::take_input() {
  return std::move(input_);
}

// A read timeout only runs once the request is fully sent: a slow upload is bounded by the
// client body timeout, not mistaken for a silent upstream.
void Http1ClientSession::apply_read_timeout() {
  if (reading_suspended_) {
    transport_->watch_read(false);
    return;
  }
  transport_->watch_read(
      true, request_complete_ ? std::optional<Duration>(timeouts_.read) : std::nullopt);
}

void Http1ClientSession::on_transport_event(Transport&, TransportEvent event) {
  if (stage_ == Stage::idle) {
    on_idle_event(event);
    return;
  }
  switch (event) {
    case TransportEvent::readable:
      on_readable();
      return;
    case TransportEvent::writable:
      if (stage_ == Stage::connecting) {
        on_connected();
      } else {
        flush(true);
      }
      return;
    case TransportEvent::read_timeout:
      fail(UpstreamFailureKind::timeout, "reading the response");
      return;
    case TransportEvent::write_timeout:
      fail(
          stage_ == Stage::connecting ? UpstreamFailureKind::connect : UpstreamFailureKind::timeout,
          stage_ == Stage::connecting ? "connecting" : "sending the request");
      return;
  }
}

// An idle connection has nothing to say: data or its end means the backend closed it or broke
// the protocol, so it must never be handed to a request.
void Http1ClientSession::on_idle_event(TransportEvent event) {
  if (event == TransportEvent::read_timeout) {
    transport_->watch_read(true);  // idle is not late: wait on without a timeout
    return;
  }
  stage_ = Stage::failed;
  pool_.discard_idle(this);  // last: destroys this session
}

// Writable while connecting: the connect (and a TLS handshake) may still be under way.
void Http1ClientSession::on_connected() {
  const int error = transport_->finish_connect();
  if (error == EINPROGRESS) {
    return;
  }
  if (error != 0) {
    fail(UpstreamFailureKind::connect, transport_->describe_error(error));
    return;
  }
  stage_ = request_complete_ ? Stage::awaiting : Stage::sending;
  transport_->watch_write(false);
  apply_read_timeout();
  flush(true);
}

// Writes what the socket takes now. Called by the exchange (begin, send), a failure is left to
// the write event, which sees it again: reporting it from inside the exchange's own call would
// pull the connection (and maybe the request) from under it. From the write event (`in_event`)
// a failure is reported, and so is room for more request body.
void Http1ClientSession::flush(bool in_event) {
  if (output_.empty()) {
    transport_->watch_write(false);
    return;
  }
  const bool was_backlogged = output_backlogged();
  const WriteResult result = transport_->write(output_);
  if (result.status == WriteResult::Status::error) {
    if (in_event) {
      fail(UpstreamFailureKind::reset, std::strerror(result.error));  // last
    } else {
      transport_->watch_write(true, timeouts_.send);
    }
    return;
  }
  transport_->watch_write(!output_.empty(), timeouts_.send);
  if (in_event && was_backlogged && !output_backlogged() && !request_complete_ &&
      handler_ != nullptr) {
    handler_->on_request_body_drained();
  }
}

void Http1ClientSession::on_readable() {
  if (handler_ == nullptr) {
    return;
  }
  if (handler_->response_backlogged()) {
    reading_suspended_ = true;
    transport_->watch_read(false);
    return;
  }
  const ReadResult result = transport_->read(
      input_, kBufferHighWatermark - std::min(input_.size(), kBufferHighWatermark));
  switch (result.status) {
    case ReadResult::Status::data:
      process_input();
      return;
    case ReadResult::Status::would_block:
      return;
    case ReadResult::Status::end_of_stream:
      end_of_stream_ = true;
      process_input();
      return;
    case ReadResult::Status::error:
      fail(UpstreamFailureKind::reset, std::strerror(result.error));
      return;
  }
}

bool Http1ClientSession::receiving() const {
  return stage_ == Stage::sending || stage_ == Stage::awaiting || stage_ == Stage::relaying ||
         stage_ == Stage::length_body;
}

void Http1ClientSession::process_input() {
  if (!receiving()) {
    return;
  }
  // An outcome (complete, failed, switched, abandoned) is reported last and ends the loop: the
  // handler may have given this connection back or destroyed it, so nothing here is touched
  // after one.
  while (true) {
    if (handler_->response_backlogged()) {
      reading_suspended_ = true;
      transport_->watch_read(false);
      return;
    }
    if (input_.empty()) {
      if (end_of_stream_) {
        conclude_at_end_of_stream();
      } else if (stage_ == Stage::relaying || stage_ == Stage::length_body) {
        handler_->on_input_drained();
      }
      return;
    }
    response_byte_seen_ = true;
    const bool go_on = stage_ == Stage::length_body ? move_length_body() : feed_parser();
    if (!go_on) {
      return;
    }
  }
}

// True while the response goes on (no outcome was reported).
bool Http1ClientSession::move_length_body() {
  const size_t count = static_cast<size_t>(std::min<uint64_t>(body_remaining_, input_.size()));
  body_remaining_ -= count;
  handler_->on_response_body(input_, count);
  if (body_remaining_ == 0) {
    complete();
    return false;
  }
  return true;
}

// True while the response goes on (no outcome was reported).
bool Http1ClientSession::feed_parser() {
  const std::string_view bytes = input_.front();
  const size_t length = std::min(bytes.size(), kMaxParseSlice);
  if (stage_ != Stage::relaying) {
    stage_ = Stage::relaying;
  }
  const MessageParser::Result result = parser_.feed(bytes.data(), length);
  input_.consume(result.consumed);
  switch (result.status) {
    case MessageParser::Status::need_more:
      return true;
    case MessageParser::Status::paused:
      if (stage_ == Stage::abandoned) {
        transport_->watch_read(false);
        std::exchange(handler_, nullptr)->on_response_abandoned();  // last: it drops this
        return false;
      }
      if (body_remaining_ > 0) {
        stage_ = Stage::length_body;
        return true;
      }
      complete();
      return false;
    case MessageParser::Status::upgrade:
      stage_ = Stage::switched;
      transport_->watch_read(false);
      handler_->on_switched_protocols();  // last: the tunnel takes this connection's transport
      return false;
    case MessageParser::Status::error:
      fail(UpstreamFailureKind::invalid_response, parser_.error_reason());
      return false;
  }
  return false;
}

void Http1ClientSession::conclude_at_end_of_stream() {
  if (stage_ == Stage::sending || stage_ == Stage::awaiting) {
    fail(UpstreamFailureKind::reset, "closed the connection without a response");
    return;
  }
  if (stage_ == Stage::relaying && parser_.message_started()) {
    const MessageParser::Result result = parser_.finish();
    if (result.status != MessageParser::Status::error && message_ended_) {
      complete();
      return;
    }
  }
  fail(UpstreamFailureKind::reset, "closed the connection in the middle of a response");
}

void Http1ClientSession::fail(UpstreamFailureKind kind, std::string_view detail) {
  const bool connected = stage_ != Stage::connecting;
  stage_ = Stage::failed;
  transport_->watch_read(false);
  transport_->watch_write(false);
  if (handler_ != nullptr) {
    ClientSessionHandler* handler = std::exchange(handler_, nullptr);
    handler->on_upstream_failure(
        UpstreamFailure{kind, response_byte_seen_, connected, detail});  // last
  }
}

void Http1ClientSession::complete() {
  stage_ = Stage::complete;
  if (end_of_stream_ || !input_.empty()) {
    transport_->watch_read(false);
  }
  ClientSessionHandler* handler = std::exchange(handler_, nullptr);
  handler->on_response_complete(parser_.trailers());  // last: it may release or drop this
}

AfterHead Http1ClientSession::on_head(MessageHead& head, const BodyFraming& framing) {
  const bool interim = head.status < 200 && head.status != 101;
  const ResponseBody body = handler_->on_response_head(head, framing);
  if (interim) {
    return AfterHead::read_body;  // the parser ends a 1xx with its head
  }
  keep_alive_ = framing.keep_alive;
  switch (body) {
    case ResponseBody::parse:
      read_until_close_ = !framing.chunked;
      return AfterHead::read_body;
    case ResponseBody::raw:
      body_remaining_ = framing.content_length;
      return AfterHead::skip_body;
    case ResponseBody::none:
      return AfterHead::skip_body;
    case ResponseBody::upgrade:
      return AfterHead::upgrade;
    case ResponseBody::reject:
      return AfterHead::reject;
    case ResponseBody::abandon:
      stage_ = Stage::abandoned;
      return AfterHead::pause;
  }
  return AfterHead::reject;
}

void Http1ClientSession::on_body(const char* data, size_t length) {
  handler_->on_response_body(std::string_view(data, length));
}

bool Http1ClientSession::on_message_end() {
  const int status = parser_.head().status;
  if (status < 200 && status != 101) {
    // An interim response ended with its head; the final one follows on this connection.
    return false;
  }
  if (status == 101) {
    return false;  // llhttp pauses for the upgrade itself
  }
  message_ended_ = true;
  return true;
}

}  // namespace relay7
