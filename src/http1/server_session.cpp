#include "relay7/http1/server_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <new>

#include "relay7/event/timeval.h"
#include "relay7/http/chunked.h"
#include "relay7/http1/idle_timing.h"
#include "relay7/http1/parked_connection.h"
#include "relay7/http2/server_session.h"
#include "relay7/pipeline/proxy_context.h"
#include "relay7/transport/flow_limits.h"
#include "relay7/transport/tunnel.h"

namespace relay7 {

Http1ServerSession::Http1ServerSession(ProxyContext& context, std::unique_ptr<Transport> transport,
                                       const SocketAddress& peer, size_t listener_index)
    : context_(context),
      transport_(std::move(transport)),
      input_(context.blocks()),
      output_(context.blocks()),
      client_{peer, peer.host_string(), listener_index},
      parser_(MessageType::request, *this, context.request_limits()),
      timer_(evtimer_new(context.base(), &Http1ServerSession::on_timer, this)),
      request_state_(context.blocks()) {
  if (!timer_) {
    throw std::bad_alloc();  // the worker drops the connection
  }
  // Last: the destructor, which takes the connection out again, runs only once this returns.
  context_.metrics().connection_entered(gauge_state_);
}

Http1ServerSession::~Http1ServerSession() {
  context_.metrics().connection_left(gauge_state_);
  exchange_.reset();  // before the buffers and transport it may still refer to
  if (transport_) {
    transport_->set_owner(nullptr);
  }
}

void Http1ServerSession::open(ProxyContext& context, std::unique_ptr<Transport> transport,
                              const SocketAddress& peer, size_t listener_index) {
  auto session =
      std::make_unique<Http1ServerSession>(context, std::move(transport), peer, listener_index);
  Http1ServerSession& added = *session;
  context.connections().add(std::move(session));
  added.start();
  if (context.draining()) {
    added.begin_drain();
  }
}

void Http1ServerSession::start() {
  transport_->set_owner(this);
  transport_->watch_read(true);
  // The first request must arrive within the header timeout; later ones within keep-alive.
  wait_for_request(context_.timeouts().client_header);
}

void Http1ServerSession::begin_drain() {
  draining_ = true;
  if (phase_ == Phase::waiting) {
    arm_timer(std::min(kIdleDrainGrace, context_.timeouts().keepalive));
  }
}

// ---- events ----

void Http1ServerSession::on_transport_event(Transport&, TransportEvent event) {
  switch (event) {
    case TransportEvent::readable:
      on_readable();
      return;
    case TransportEvent::writable:
      on_writable();
      return;
    case TransportEvent::read_timeout:
      if (phase_ == Phase::body) {
        spdlog::info("client {} timed out sending the request body", client_.peer_ip);
      }
      close_now();
      return;
    case TransportEvent::write_timeout:
      close_now();
      return;
  }
}

void Http1ServerSession::on_readable() {
  if (phase_ == Phase::closing) {
    return;
  }
  if (phase_ == Phase::body && exchange_ && exchange_->request_body_backlogged()) {
    pause_request_body();  // resume_request_body reads on
    return;
  }
  const size_t room = kBufferHighWatermark - std::min(input_.size(), kBufferHighWatermark);
  if (room == 0) {
    // Pipelined requests beyond the watermark wait in the socket, not in relay7's memory.
    transport_->watch_read(false);
  } else if (!read_more(room)) {
    return;
  }
  if (phase_ == Phase::waiting && transport_->negotiated_h2()) {
    switch_to_http2();
    return;
  }
  // What was just read, or what a pipelining client sent earlier (notify_readable).
  process_input();
}

// False when the connection ended or broke, and was handled.
bool Http1ServerSession::read_more(size_t room) {
  const ReadResult result = transport_->read(input_, room);
  switch (result.status) {
    case ReadResult::Status::data:
    case ReadResult::Status::would_block:
      return true;
    case ReadResult::Status::end_of_stream:
      if (phase_ == Phase::awaiting_response) {
        // A half-closed client still gets the response it asked for; nothing more is read.
        peer_closed_ = true;
        transport_->watch_read(false);
        return false;
      }
      close_now();
      return false;
    case ReadResult::Status::error:
      close_now();
      return false;
  }
  return false;
}

void Http1ServerSession::on_writable() {
  write_failed_ = false;
  const bool was_backlogged = response_backlogged();
  const WriteResult result = transport_->write(output_);
  if (result.status == WriteResult::Status::error) {
    close_now();
    return;
  }
  if (output_.empty()) {
    transport_->watch_write(false);
    if (phase_ == Phase::closing) {
      close_now();
      return;
    }
  }
  if (was_backlogged && !response_backlogged() && exchange_) {
    exchange_->on_downstream_drained();
  }
}

// Writes what the socket takes now. A failure is left to the write event, which sees it again
// and closes: this runs inside the pipeline's calls, where closing would pull the session from
// under them.
void Http1ServerSession::flush() {
  if (output_.empty() || transport_->watching_write()) {
    return;
  }
  const WriteResult result = transport_->write(output_);
  if (result.status == WriteResult::Status::error) {
    write_failed_ = true;
  }
  if (!output_.empty() || write_failed_) {
    transport_->watch_write(true, context_.timeouts().send);
  }
}

// ---- reading requests ----

void Http1ServerSession::process_input() {
  // Requests answered locally come back here through wait_for_next_request; the flag turns that
  // into another turn of this loop, so a thousand pipelined requests never nest a thousand deep.
  if (processing_input_) {
    return;
  }
  processing_input_ = true;
  consume_input();
  processing_input_ = false;
}

void Http1ServerSession::consume_input() {
  while (!input_.empty()) {
    if (phase_ == Phase::waiting) {
      phase_ = Phase::head;
      set_gauge_state(ConnectionState::active);
      request_start_ = std::chrono::steady_clock::now();
      // The wait is over. The header timer is armed only if the head is not complete at once
      // (below): most heads arrive in one read, and a timer set and cancelled per request costs.
      event_del(timer_.get());
      header_timer_armed_ = false;
    }
    if (phase_ != Phase::head && phase_ != Phase::body) {
      return;
    }
    if (phase_ == Phase::body && exchange_ && exchange_->request_body_backlogged()) {
      pause_request_body();
      return;
    }
    if (!feed_parser()) {
      break;
    }
  }
  if (phase_ == Phase::head && !header_timer_armed_) {
    // client_header bounds the whole head from its first byte, not from this read.
    header_timer_armed_ = true;
    const auto elapsed =
        std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - request_start_);
    arm_timer(std::max(Duration::zero(), context_.timeouts().client_header - elapsed));
  }
  resume_reading_if_room();
}

// Reading stopped when the input was full (pipelined requests beyond the watermark wait in the
// socket); once requests have been taken from it, it goes on.
void Http1ServerSession::resume_reading_if_room() {
  if (transport_ == nullptr || transport_->watching_read() || reading_paused_ || peer_closed_ ||
      phase_ == Phase::closing || input_.size() >= kBufferHighWatermark) {
    return;
  }
  if (phase_ == Phase::body) {
    watch_body_reads();
  } else {
    transport_->watch_read(true);
  }
}

// Returns true while the parser can take more input now.
bool Http1ServerSession::feed_parser() {
  const std::string_view bytes = input_.front();
  const size_t length = std::min(bytes.size(), kMaxParseSlice);
  const MessageParser::Result result = parser_.feed(bytes.data(), length);
  input_.consume(result.consumed);
  if (body_refused_) {
    refuse_request_body(413);
    return false;
  }
  switch (result.status) {
    case MessageParser::Status::need_more:
      return true;
    case MessageParser::Status::paused:
    case MessageParser::Status::upgrade:
      return after_pause();
    case MessageParser::Status::error:
      reject_unparsable_request();
      return false;
  }
  return false;
}

void Http1ServerSession::reject_unparsable_request() {
  if (phase_ == Phase::body) {
    spdlog::info("client {} sent a malformed request body: {}", client_.peer_ip,
                 parser_.error_reason());
    refuse_request_body(400);
    return;
  }
  request_complete_ = false;
  int status = parser_.failed_on_unsupported_version() ? 505 : 400;
  switch (parser_.head_limit()) {
    case HeadLimit::target_too_long:
      status = 414;
      break;
    case HeadLimit::head_too_large:
      status = 431;
      break;
    case HeadLimit::none:
      break;
  }
  phase_ = Phase::awaiting_response;
  Exchange::answer_unparsed(context_, static_cast<Downstream&>(*this), client_, parser_.head(),
                            status, request_start_);
}

// The body broke or outgrew its limit, after its head may have gone upstream: the pipeline
// answers (or cuts the response), and nothing more of the connection is read.
void Http1ServerSession::refuse_request_body(int status) {
  body_refused_ = false;
  request_complete_ = false;
  transport_->watch_read(false);
  if (exchange_) {
    exchange_->refuse_body(status);
  } else {
    close_now();
  }
}

// The parser stops after a head (to route before any body byte moves) and after each message.
bool Http1ServerSession::after_pause() {
  if (head_ready_) {
    head_ready_ = false;
    dispatch();
    if (phase_ == Phase::closing || phase_ == Phase::waiting) {
      return phase_ == Phase::waiting;
    }
    if (request_complete_ || upgrade_requested_) {
      if (phase_ != Phase::awaiting_response) {
        phase_ = Phase::awaiting_response;
      }
    } else {
      phase_ = Phase::body;
      watch_body_reads();
      parser_.resume();
      return true;
    }
  }
  if (request_complete_ && !end_delivered_) {
    end_delivered_ = true;
    if (phase_ == Phase::body) {
      phase_ = Phase::awaiting_response;
      transport_->watch_read(!peer_closed_);
    }
    if (exchange_) {
      exchange_->on_request_end(parser_.trailers());
    }
  }
  return phase_ == Phase::waiting;
}

void Http1ServerSession::watch_body_reads() {
  transport_->watch_read(true, context_.timeouts().client_body);
}

AfterHead Http1ServerSession::on_head(MessageHead&, const BodyFraming& framing) {
  framing_ = framing;
  head_ready_ = true;
  request_complete_ = false;
  end_delivered_ = false;
  upgrade_requested_ = false;
  const bool has_body = framing.chunked || framing.content_length > 0;
  if (framing.upgrade_requested && !has_body) {
    upgrade_requested_ = true;
    return AfterHead::upgrade;
  }
  return has_body ? AfterHead::pause : AfterHead::skip_body;
}

void Http1ServerSession::on_body(const char* data, size_t length) {
  if (body_refused_ || !exchange_) {
    return;
  }
  // Handled once the parser returns (refuse_request_body): not from inside its callback.
  body_refused_ = !exchange_->on_request_body(std::string_view(data, length));
}

bool Http1ServerSession::on_message_end() {
  request_complete_ = true;
  return !upgrade_requested_;  // an upgrade makes llhttp pause by itself
}

void Http1ServerSession::dispatch() {
  event_del(timer_.get());  // the header phase is over
  phase_ = Phase::awaiting_response;
  RequestInfo request;
  request.head = &parser_.head();
  request.body = framing_.chunked              ? RequestBodyKind::stream
                 : framing_.content_length > 0 ? RequestBodyKind::length
                                               : RequestBodyKind::none;
  request.content_length = framing_.content_length;
  request.upgrade = upgrade_requested_;
  request.started = request_start_;
  exchange_ = std::make_unique<Exchange>(context_, static_cast<Downstream&>(*this), client_,
                                         request_state_, request);
  exchange_->start();
}

// ---- writing responses (Downstream) ----

void Http1ServerSession::send_interim(const ResponseHead& head) {
  if (!parser_.head().is_http11_or_later()) {
    return;  // an HTTP/1.0 client does not expect interim responses
  }
  write_response_head(head, Http1ResponseFraming{ResponseBodyMode::none, true, true, {}}, output_);
  flush();
}

void Http1ServerSession::start_response(const ResponseHead& head) {
  const MessageHead& request = parser_.head();
  const bool http11 = request.is_http11_or_later();
  if (head.switching_protocols) {
    body_mode_ = ResponseBodyMode::none;
  } else if (head.bodiless) {
    body_mode_ = ResponseBodyMode::none;
  } else if (head.content_length) {
    body_mode_ = ResponseBodyMode::length;
  } else {
    // Chunked and close-delimited bodies are re-framed: chunked for HTTP/1.1 clients keeps their
    // connection alive even when the upstream ends its body by closing.
    body_mode_ = http11 ? ResponseBodyMode::chunked : ResponseBodyMode::until_close;
  }
  // A worker that began draining while this request was in flight ends the connection with this
  // response, so a keep-alive client moves to the new generation without losing a request.
  response_keep_alive_ = framing_.keep_alive && !draining_ && !context_.draining() &&
                         context_.timeouts().keepalive > Duration::zero() &&
                         !head.close_connection && body_mode_ != ResponseBodyMode::until_close;
  if (head.generated) {
    // Unread body bytes would be taken for the next request: an answer given before the whole
    // request was read closes the connection, and says so.
    response_keep_alive_ = response_keep_alive_ && request_complete_ && !upgrade_requested_;
  }
  const std::string_view date =
      head.generated ? std::string_view(context_.clock().http_date()) : std::string_view();
  write_response_head(head, Http1ResponseFraming{body_mode_, response_keep_alive_, http11, date},
                      output_);
  if (head.switching_protocols) {
    // The tunnel, made next in this same call, takes output_ and writes the 101 once both of its
    // sockets are set up (TCP keepalive): a client never acts on the 101 before the tunnel exists.
    return;
  }
  if (body_mode_ != ResponseBodyMode::none) {
    // Held until the body's first bytes (send_body) or the end of what the backend sent
    // (flush_response): most responses then leave in one writev instead of two.
    return;
  }
  flush();
}

void Http1ServerSession::flush_response() {
  flush();
}

void Http1ServerSession::send_body(std::string_view bytes) {
  if (bytes.empty()) {
    return;
  }
  if (body_mode_ == ResponseBodyMode::chunked) {
    char size_line[kMaxChunkHeader];
    output_.append(std::string_view(size_line, format_chunk_header(bytes.size(), size_line)));
    output_.append(bytes);
    output_.append(kChunkEnd);
  } else {
    output_.append(bytes);
  }
  flush();
}

void Http1ServerSession::send_body(IoBuffer& from, size_t length) {
  if (length == 0) {
    return;
  }
  if (body_mode_ == ResponseBodyMode::chunked) {
    char size_line[kMaxChunkHeader];
    output_.append(std::string_view(size_line, format_chunk_header(length, size_line)));
    from.move_to(output_, length);
    output_.append(kChunkEnd);
  } else {
    from.move_to(output_, length);
  }
  flush();
}

void Http1ServerSession::end_response(const HeaderList& trailers) {
  // Trailers reach an HTTP/1.1 client, whose body stays chunked; an HTTP/1.0 client's body ends
  // with the connection, which cannot carry them.
  if (body_mode_ == ResponseBodyMode::chunked) {
    append_last_chunk(output_, trailers);
  }
  finish_request(response_keep_alive_);
}

void Http1ServerSession::abort_response() {
  // The client sees a body cut short: the connection ends without its proper end.
  context_.connections().retire_later(std::move(exchange_));
  close_after_flush();
}

bool Http1ServerSession::response_backlogged() const {
  return output_.size() > kBufferHighWatermark;
}

void Http1ServerSession::pause_request_body() {
  reading_paused_ = true;
  transport_->watch_read(false);
}

void Http1ServerSession::resume_request_body() {
  if (!reading_paused_) {
    return;
  }
  reading_paused_ = false;
  if (phase_ == Phase::body) {
    watch_body_reads();
    process_input();
  }
}

void Http1ServerSession::switch_to_tunnel(std::unique_ptr<Transport> upstream,
                                          IoBuffer upstream_input) {
  context_.connections().retire_later(std::move(exchange_));
  event_del(timer_.get());
  // The tunnel starts with what each side sent beyond HTTP: pipelined bytes after the upgrade
  // request, bytes after the backend's 101, and the 101 itself if the client has not taken it.
  auto tunnel =
      std::make_unique<Tunnel>(context_, std::move(transport_), std::move(input_),
                               std::move(output_), std::move(upstream), std::move(upstream_input));
  Tunnel& started = *tunnel;
  context_.connections().add(std::move(tunnel));
  if (draining_) {
    started.begin_drain();
  }
  phase_ = Phase::closing;
  context_.connections().retire(this);
  started.start();
}

// ALPN chose h2: the handshake is done and what was read of the connection is HTTP/2's preface.
void Http1ServerSession::switch_to_http2() {
  event_del(timer_.get());
  phase_ = Phase::closing;
  context_.connections().retire(this);
  try {
    Http2ServerSession::open(context_, std::move(transport_), client_.peer, client_.listener_index,
                             std::move(input_));
  } catch (const std::bad_alloc&) {
    spdlog::error("out of memory starting an HTTP/2 session");
  }
}

// ---- between requests ----

void Http1ServerSession::finish_request(bool keep_alive) {
  flush();
  context_.connections().retire_later(std::move(exchange_));
  request_state_.replay.release();
  if (keep_alive && request_complete_ && !upgrade_requested_ && !peer_closed_) {
    wait_for_next_request();
  } else {
    close_after_flush();
  }
}

void Http1ServerSession::set_gauge_state(ConnectionState state) {
  if (state != gauge_state_) {
    context_.metrics().connection_left(gauge_state_);
    context_.metrics().connection_entered(state);
    gauge_state_ = state;
  }
}

void Http1ServerSession::wait_for_next_request() {
  phase_ = Phase::waiting;
  set_gauge_state(ConnectionState::idle);
  upgrade_requested_ = false;
  reading_paused_ = false;
  transport_->watch_read(true);
  parser_.resume();
  if (draining_) {
    arm_timer(std::min(kIdleDrainGrace, context_.timeouts().keepalive));
  } else {
    wait_for_request(context_.timeouts().keepalive);
  }
  // A pipelined request already read is taken up from a fresh call: this one may come from
  // deep inside the previous request's exchange, which must have unwound before the next starts
  // (they share the request state and may share an upstream connection). Inside process_input,
  // its loop goes on by itself.
  if (!input_.empty() && !processing_input_) {
    transport_->notify_readable();
  }
}

void Http1ServerSession::wait_for_request(Duration limit) {
  wait_limit_ = limit;
  arm_timer(std::min(limit, kIdleParkDelay));
}

void Http1ServerSession::on_timer(evutil_socket_t, short, void* context) {
  auto* self = static_cast<Http1ServerSession*>(context);
  if (self->phase_ == Phase::head) {
    self->request_complete_ = false;
    self->phase_ = Phase::awaiting_response;
    Exchange::answer_unparsed(self->context_, static_cast<Downstream&>(*self), self->client_,
                              self->parser_.head(), 408, self->request_start_);
  } else if (self->phase_ == Phase::waiting) {
    self->on_wait_timer();
  } else {
    self->close_now();
  }
}

// The first turn of the timer ends the short wait before parking; the second, the wait itself.
void Http1ServerSession::on_wait_timer() {
  if (draining_ || wait_limit_ <= kIdleParkDelay) {
    close_now();
    return;
  }
  const Duration rest = wait_limit_ - kIdleParkDelay;
  wait_limit_ = Duration::zero();
  try {
    if (!park(rest)) {
      arm_timer(rest);
    }
  } catch (const std::bad_alloc&) {
    close_now();
  }
}

// Hands the transport to a ParkedConnection and retires this session; false when it cannot (a
// response still leaving, bytes already read, an address a parked connection cannot hold).
bool Http1ServerSession::park(Duration wait) {
  if (!output_.empty() || !input_.empty() || !ParkedConnection::fits(client_.peer)) {
    return false;
  }
  event_del(timer_.get());
  auto parked = std::make_unique<ParkedConnection>(context_, std::move(transport_), client_.peer,
                                                   client_.listener_index, wait);
  phase_ = Phase::closing;
  context_.connections().retire(this);
  if (parked->valid()) {
    context_.connections().add(std::move(parked));
    context_.heap_trimmer().note_parked();
    // At debug level only: what an operator (or a test) needs to see that parking happens.
    spdlog::debug("client {} parked after {} ms idle", client_.peer_ip, kIdleParkDelay.count());
  }
  return true;
}

// ---- closing ----

void Http1ServerSession::close_after_flush() {
  phase_ = Phase::closing;
  event_del(timer_.get());
  transport_->watch_read(false);
  flush();
  if (output_.empty() && !write_failed_) {
    close_now();
  }
  // Otherwise on_writable closes once the output has drained (or the send timeout fires).
}

void Http1ServerSession::close_now() {
  phase_ = Phase::closing;
  event_del(timer_.get());
  if (exchange_) {
    exchange_->on_downstream_gone();
    context_.connections().retire_later(std::move(exchange_));
  }
  if (transport_) {
    transport_->set_owner(nullptr);
    transport_->watch_read(false);
    transport_->watch_write(false);
  }
  context_.connections().retire(this);
}

void Http1ServerSession::arm_timer(Duration duration) {
  const timeval tv = to_timeval(duration);
  evtimer_add(timer_.get(), &tv);
}

}  // namespace relay7
