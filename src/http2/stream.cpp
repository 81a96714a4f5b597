#include "relay7/http2/stream.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "relay7/event/timeval.h"
#include "relay7/http2/server_session.h"
#include "relay7/pipeline/proxy_context.h"
#include "relay7/transport/flow_limits.h"

namespace relay7 {

Http2Stream::Http2Stream(Http2ServerSession& session, int32_t id)
    : session_(session),
      id_(id),
      request_(session.context().request_limits()),
      state_(session.context().blocks()),
      body_(session.context().blocks()) {}

Http2Stream::~Http2Stream() {
  exchange_.reset();  // before the head, state and buffers it refers to
}

void Http2Stream::arm_body_timer() {
  if (!body_timer_) {
    body_timer_.reset(evtimer_new(session_.context().base(), &Http2Stream::on_body_timeout, this));
    if (!body_timer_) {
      return;  // out of memory: the stream goes on without the bound
    }
  }
  const timeval limit = to_timeval(session_.context().timeouts().client_body);
  evtimer_add(body_timer_.get(), &limit);
}

void Http2Stream::on_body_timeout(evutil_socket_t, short, void* self) {
  auto& stream = *static_cast<Http2Stream*>(self);
  if (stream.closed_ || stream.request_ended_ || !stream.exchange_running()) {
    return;
  }
  spdlog::info("client {} timed out sending an HTTP/2 request body",
               stream.session_.client().peer_ip);
  stream.refuse_body(408);  // 408 if nothing of the response went out, else the stream is reset
}

// ---- the request ----

void Http2Stream::on_field(std::string_view name, std::string_view value) {
  request_.add(name, value);
}

void Http2Stream::on_trailer(std::string_view name, std::string_view value) {
  if (!name.starts_with(':')) {
    trailers_.add(name, value);
  }
}

void Http2Stream::on_head_complete(bool end_stream) {
  request_.finish();
  request_ended_ = end_stream;
  switch (request_.error()) {
    case Http2HeadError::none:
      break;
    case Http2HeadError::target_too_long:
      answer_unparsed(414);
      return;
    case Http2HeadError::too_large:
      answer_unparsed(431);
      return;
    case Http2HeadError::malformed:
      answer_unparsed(400);
      return;
    case Http2HeadError::unsupported:
      answer_unparsed(501);
      return;
  }
  RequestInfo info;
  info.head = &request_.head();
  info.http2 = true;
  info.started = std::chrono::steady_clock::now();
  info.upgrade = request_.websocket();
  if (end_stream || info.upgrade) {
    info.body = RequestBodyKind::none;
  } else if (const auto length = request_.content_length()) {
    // nghttp2 holds the DATA to this length; a declared empty body has nothing to frame.
    info.body = *length > 0 ? RequestBodyKind::length : RequestBodyKind::none;
    info.content_length = *length;
  } else {
    info.body = RequestBodyKind::stream;
  }
  exchange_ = std::make_unique<Exchange>(session_.context(), static_cast<Downstream&>(*this),
                                         session_.client(), state_, info);
  exchange_->start();
  if (!end_stream && !info.upgrade && exchange_running()) {
    arm_body_timer();
  }
  if (end_stream && exchange_running()) {
    // As after an HTTP/1 request without a body: the upstream side learns the request is
    // whole (its connection can then be reused, and the response timeout runs).
    exchange_->on_request_end(trailers_);
  }
}

void Http2Stream::answer_unparsed(int status) {
  Exchange::answer_unparsed(session_.context(), static_cast<Downstream&>(*this), session_.client(),
                            request_.head(), status, std::chrono::steady_clock::now());
}

bool Http2Stream::exchange_running() const {
  return exchange_ && exchange_->phase() != Exchange::Phase::finished;
}

void Http2Stream::on_body(std::string_view bytes) {
  if (tunnel_) {
    tunnel_->send(bytes);  // acknowledged as the backend takes it (on_tunnel_written)
    return;
  }
  if (!exchange_running()) {
    session_.acknowledge(id_, bytes.size());  // answered already: the rest is dropped
    return;
  }
  if (body_timer_) {
    arm_body_timer();
  }
  if (!exchange_->on_request_body(bytes)) {
    session_.acknowledge(id_, bytes.size());
    refuse_body(413);
    return;
  }
  acknowledge(bytes.size());
}

// The backlog is looked at anew for every DATA frame: the upstream connection may have written
// its backlog out from inside this very send (and then tells nobody), and bytes held back
// earlier go back to the client with these.
void Http2Stream::acknowledge(size_t length) {
  unacknowledged_ += length;
  if (request_paused_ || (exchange_ && exchange_->request_body_backlogged())) {
    return;  // resume_request_body gives the window back
  }
  session_.acknowledge(id_, unacknowledged_);
  unacknowledged_ = 0;
}

void Http2Stream::refuse_body(int status) {
  if (exchange_) {
    exchange_->refuse_body(status);
  }
}

void Http2Stream::on_request_end() {
  request_ended_ = true;
  body_timer_.reset();
  if (tunnel_) {
    tunnel_->end_from_client();
    return;
  }
  if (exchange_running()) {
    exchange_->on_request_end(trailers_);
  }
}

void Http2Stream::on_closed() {
  closed_ = true;
  body_timer_.reset();
  tunnel_.reset();
  if (unacknowledged_ > 0) {
    // The stream's window goes with it; the connection's share comes back.
    session_.acknowledge(id_, unacknowledged_);
    unacknowledged_ = 0;
  }
  if (exchange_running()) {
    exchange_->on_downstream_gone();
  }
}

// ---- the response ----

void Http2Stream::send_interim(const ResponseHead& head) {
  if (closed_ || response_started_) {
    return;
  }
  fields_.build_interim(head);
  nghttp2_submit_headers(session_.codec(), NGHTTP2_FLAG_NONE, id_, nullptr, fields_.data(),
                         fields_.size(), nullptr);
  session_.schedule_send();
}

void Http2Stream::start_response(const ResponseHead& head) {
  if (closed_) {
    return;
  }
  response_started_ = true;
  const std::string_view date =
      head.generated ? std::string_view(session_.context().clock().http_date()) : "";
  if (head.switching_protocols) {
    // RFC 8441: a 2xx accepts the extended CONNECT; the tunnel's bytes follow as DATA.
    ResponseHead accepted = head;
    accepted.status = 200;
    accepted.bodiless = false;
    fields_.build(accepted, date);
  } else {
    fields_.build(head, date);
  }
  if (head.bodiless && !head.switching_protocols) {
    response_ended_ = true;
    nghttp2_submit_response(session_.codec(), id_, fields_.data(), fields_.size(), nullptr);
  } else {
    nghttp2_data_provider body{};
    body.source.ptr = this;
    body.read_callback = [](nghttp2_session*, int32_t, uint8_t* into, size_t length,
                            uint32_t* flags, nghttp2_data_source* source, void*) -> ssize_t {
      return static_cast<Http2Stream*>(source->ptr)->read_body(into, length, flags);
    };
    nghttp2_submit_response(session_.codec(), id_, fields_.data(), fields_.size(), &body);
  }
  session_.schedule_send();
}

void Http2Stream::body_bytes_arrived() {
  if (data_deferred_) {
    data_deferred_ = false;
    nghttp2_session_resume_data(session_.codec(), id_);
  }
  session_.schedule_send();
}

void Http2Stream::send_body(std::string_view bytes) {
  if (closed_ || bytes.empty()) {
    return;
  }
  body_.append(bytes);
  body_bytes_arrived();
}

void Http2Stream::send_body(IoBuffer& from, size_t length) {
  if (closed_ || length == 0) {
    from.consume(length);
    return;
  }
  from.move_to(body_, length);
  body_bytes_arrived();
}

void Http2Stream::flush_response() {
  session_.schedule_send();
}

void Http2Stream::end_response(const HeaderList& trailers) {
  if (closed_) {
    return;
  }
  if (!response_ended_) {
    response_ended_ = true;
    response_trailers_.clear();
    for (const Header& trailer : trailers) {
      response_trailers_.add(trailer.name, trailer.value);
    }
    body_bytes_arrived();
  }
  session_.schedule_send();
}

void Http2Stream::abort_response() {
  // The client must see the response cut, not complete: the stream is reset.
  if (!closed_) {
    nghttp2_submit_rst_stream(session_.codec(), NGHTTP2_FLAG_NONE, id_, NGHTTP2_INTERNAL_ERROR);
    session_.schedule_send();
  }
}

// At the watermark, as the tunnel stops reading there too: it is read again when framing takes
// the buffer below it (read_body).
bool Http2Stream::response_backlogged() const {
  return body_.size() >= kBufferHighWatermark;
}

void Http2Stream::pause_request_body() {
  request_paused_ = true;
}

void Http2Stream::resume_request_body() {
  request_paused_ = false;
  if (unacknowledged_ > 0 && !closed_) {
    session_.acknowledge(id_, unacknowledged_);
    unacknowledged_ = 0;
  }
}

void Http2Stream::switch_to_tunnel(std::unique_ptr<Transport> upstream, IoBuffer upstream_input) {
  if (closed_) {
    return;  // the client went away meanwhile: the backend's connection closes
  }
  StreamTunnelOwner& owner = *this;
  tunnel_ = std::make_unique<Http2StreamTunnel>(
      owner, std::move(upstream), body_, std::move(upstream_input), session_.context().blocks());
  tunnel_->start();
}

void Http2Stream::on_tunnel_data() {
  body_bytes_arrived();
}

void Http2Stream::on_tunnel_end(bool clean) {
  if (!clean) {
    abort_response();
    return;
  }
  response_ended_ = true;  // END_STREAM once the buffered bytes are framed
  body_bytes_arrived();
}

void Http2Stream::on_tunnel_written(size_t length) {
  session_.acknowledge(id_, length);
}

ssize_t Http2Stream::read_body(uint8_t* into, size_t length, uint32_t* flags) {
  const bool was_backlogged = response_backlogged();
  size_t copied = 0;
  while (copied < length && !body_.empty()) {
    const std::string_view front = body_.front();
    const size_t n = std::min(front.size(), length - copied);
    std::memcpy(into + copied, front.data(), n);
    body_.consume(n);
    copied += n;
  }
  if (was_backlogged && !response_backlogged()) {
    drain_notice_ = true;
    session_.note_drained(id_);
  }
  if (body_.empty() && response_ended_) {
    *flags |= NGHTTP2_DATA_FLAG_EOF;
    fields_.build_trailers(response_trailers_);
    if (fields_.size() > 0) {
      *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
      nghttp2_submit_trailer(session_.codec(), id_, fields_.data(), fields_.size());
    }
    return static_cast<ssize_t>(copied);
  }
  if (copied == 0) {
    data_deferred_ = true;
    return NGHTTP2_ERR_DEFERRED;
  }
  return static_cast<ssize_t>(copied);
}

void Http2Stream::on_drained() {
  drain_notice_ = false;
  if (tunnel_) {
    tunnel_->resume_reading();
    return;
  }
  if (exchange_running()) {
    exchange_->on_downstream_drained();
  }
}

}  // namespace relay7
