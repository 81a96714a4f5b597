#include "relay7/proxy/proxy_exchange.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "relay7/event/bulk_read.h"
#include "relay7/event/direct_write.h"
#include "relay7/http/chunked.h"
#include "relay7/http/status.h"
#include "relay7/http/transfer_encoding.h"
#include "relay7/proxy/proxy_context.h"
#include "relay7/proxy/timeouts.h"

namespace relay7 {
namespace {

// Request bytes kept for replaying on a fresh connection; a request larger than this that meets a
// dead pooled connection fails with 502 rather than being buffered in full.
constexpr size_t kMaxReplayBytes = 64 * 1024;

}  // namespace

ProxyExchange::ProxyExchange(ProxyContext& context, ExchangeOwner& owner,
                             UpstreamAttempts& attempts, ExchangeRequest request)
    : context_(context),
      owner_(owner),
      attempts_(attempts),
      upstream_group_(attempts.upstream()),
      request_(std::move(request)),
      response_parser_(MessageType::response, *this, context.response_limits()) {}

ProxyExchange::~ProxyExchange() {
  detach_upstream();
}

bool ProxyExchange::start(size_t server) {
  request_complete_ = request_.body_mode == RequestBodyMode::none;
  std::optional<size_t> next = server;
  while (next) {
    if (connect_to(*next)) {
      return true;
    }
    upstream_group_.report_failure(*next, monotonic_ms());
    next = attempts_.next(monotonic_ms());
  }
  return false;
}

bool ProxyExchange::connect_to(size_t server) {
  server_ = server;
  pool_ = &upstream_group_.pool(server);
  std::unique_ptr<UpstreamConnection> connection = pool_->acquire();
  if (!connection) {
    spdlog::error("cannot create a connection to upstream {}", pool_->address_text());
    return false;
  }
  upstream_group_.begin_attempt(server);
  attempt_open_ = true;
  attach(std::move(connection));
  send_request_so_far();
  return true;
}

void ProxyExchange::attach(std::unique_ptr<UpstreamConnection> connection) {
  upstream_ = std::move(connection);
  ++connections_used_;
  bufferevent* bev = upstream_->bev();
  // The connection's reader reads the response (see socket_reader.h); the bufferevent writes,
  // reports the connect and times the send.
  SocketReader& reader = upstream_->reader();
  reader.set_callbacks(&ProxyExchange::on_upstream_read, &ProxyExchange::on_upstream_event, this);
  reader.set_limit(kBufferHighWatermark);
  bufferevent_setcb(bev, nullptr, &ProxyExchange::on_upstream_write,
                    &ProxyExchange::on_upstream_event, this);
  bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
  allow_large_writes(bev, kBufferHighWatermark);
  connected_ = upstream_->reused();
  apply_timeouts();
  // A connection being made needs EV_WRITE to learn that it is up; an established one is written
  // directly (see direct_write.h).
  if (connected_) {
    bufferevent_disable(bev, EV_WRITE);
  } else {
    bufferevent_enable(bev, EV_WRITE);
  }
  reader.enable();
}

// The head, then whatever body an earlier attempt already sent.
void ProxyExchange::send_request_so_far() {
  evbuffer* output = bufferevent_get_output(upstream_->bev());
  evbuffer_add(output, request_.head.data(), request_.head.size());
  if (body_sent_) {
    add_body_sent_so_far(output);
  }
  flush_output(upstream_->bev());
}

void ProxyExchange::add_body_sent_so_far(evbuffer* output) {
  // A copy, not a reference: body_sent_ keeps growing while the client streams.
  const int count = evbuffer_peek(body_sent_.get(), -1, nullptr, nullptr, 0);
  std::vector<evbuffer_iovec> segments(static_cast<size_t>(std::max(count, 0)));
  evbuffer_peek(body_sent_.get(), -1, nullptr, segments.data(), count);
  for (const evbuffer_iovec& segment : segments) {
    evbuffer_add(output, segment.iov_base, segment.iov_len);
  }
}

// A read timeout only runs once the request is fully sent: a slow upload is bounded by the
// client body timeout, not mistaken for a silent upstream.
void ProxyExchange::apply_timeouts() {
  const TimeoutsConfig& timeouts = context_.timeouts();
  const timeval read = to_timeval(timeouts.upstream_read);
  const timeval write = to_timeval(connected_ ? timeouts.upstream_send : timeouts.upstream_connect);
  upstream_->reader().set_timeout(request_complete_ ? &read : nullptr);
  bufferevent_set_timeouts(upstream_->bev(), nullptr, &write);
}

void ProxyExchange::write_upstream(const char* data, size_t length) {
  evbuffer_add(bufferevent_get_output(upstream_->bev()), data, length);
  if (!replayable_) {
    return;
  }
  if (!body_sent_) {
    body_sent_.reset(evbuffer_new());
  }
  if (evbuffer_get_length(body_sent_.get()) + length > kMaxReplayBytes) {
    replayable_ = false;
    body_sent_.reset();
  } else {
    evbuffer_add(body_sent_.get(), data, length);
  }
}

void ProxyExchange::send_body(const char* data, size_t length) {
  if (finished_ || !upstream_ || length == 0) {
    return;  // the response already ended (an early answer) or the upstream is gone
  }
  if (request_.body_mode == RequestBodyMode::chunked) {
    char size_line[kMaxChunkHeader];
    write_upstream(size_line, format_chunk_header(length, size_line));
    write_upstream(data, length);
    write_upstream(kChunkEnd.data(), kChunkEnd.size());
  } else {
    write_upstream(data, length);
  }
  flush_output(upstream_->bev());
}

void ProxyExchange::end_body(const HeaderList& trailers) {
  if (request_complete_) {
    return;
  }
  request_complete_ = true;
  if (finished_ || !upstream_) {
    return;
  }
  if (request_.body_mode == RequestBodyMode::chunked) {
    scratch_.clear();
    append_last_chunk(scratch_, trailers);
    write_upstream(scratch_.data(), scratch_.size());
    flush_output(upstream_->bev());
  }
  apply_timeouts();
}

bool ProxyExchange::body_backlogged() const {
  return upstream_ &&
         evbuffer_get_length(bufferevent_get_output(upstream_->bev())) > kBufferHighWatermark;
}

bool ProxyExchange::client_backlogged() const {
  return evbuffer_get_length(bufferevent_get_output(owner_.client_bev())) > kBufferHighWatermark;
}

void ProxyExchange::on_client_output_drained() {
  if (reading_suspended_ && upstream_ && !finished_) {
    reading_suspended_ = false;
    upstream_->reader().enable();
    process_response_input();
  }
}

void ProxyExchange::abort() {
  finished_ = true;
  detach_upstream();
}

void ProxyExchange::on_upstream_read(bufferevent*, void* context) {
  static_cast<ProxyExchange*>(context)->process_response_input();
}

void ProxyExchange::on_upstream_write(bufferevent* bev, void* context) {
  stop_write_events_if_drained(bev);
  auto* self = static_cast<ProxyExchange*>(context);
  if (!self->request_complete_ && !self->finished_) {
    self->owner_.on_request_body_drained();
  }
}

void ProxyExchange::on_upstream_event(bufferevent*, short events, void* context) {
  auto* self = static_cast<ProxyExchange*>(context);
  if (events & BEV_EVENT_CONNECTED) {
    self->connected_ = true;
    self->apply_timeouts();
    return;
  }
  if (events & BEV_EVENT_EOF) {
    self->upstream_eof_ = true;
    self->process_response_input();
    return;
  }
  self->handle_upstream_failure(events);
}

void ProxyExchange::process_response_input() {
  relay_response_input();
  // A finished exchange has handed the client connection back to its owner, which flushed it.
  if (!finished_) {
    flush_output(owner_.client_bev());
  }
}

void ProxyExchange::relay_response_input() {
  if (!upstream_) {
    return;
  }
  const uint32_t connection = connections_used_;
  evbuffer* input = bufferevent_get_input(upstream_->bev());
  // A retry replaces the connection: what is left in the old one's input is not this response.
  while (!finished_ && connections_used_ == connection) {
    if (client_backlogged()) {
      flush_output(owner_.client_bev());
    }
    if (client_backlogged()) {
      suspend_upstream_reads();
      return;
    }
    if (evbuffer_get_length(input) == 0) {
      if (upstream_eof_) {
        conclude_at_eof();
      }
      return;
    }
    response_byte_seen_ = true;
    if (in_length_body_) {
      move_length_body(input);
    } else {
      feed_response_parser(input);
    }
  }
}

// Content-Length bodies skip the parser: whole buffer chains move from one socket's buffer to
// the other's without being copied or scanned.
void ProxyExchange::move_length_body(evbuffer* input) {
  const size_t available = evbuffer_get_length(input);
  const size_t count = static_cast<size_t>(std::min<uint64_t>(body_remaining_, available));
  evbuffer_remove_buffer(input, bufferevent_get_output(owner_.client_bev()), count);
  body_remaining_ -= count;
  response_body_bytes_ += count;
  if (body_remaining_ == 0) {
    complete_response();
  }
}

void ProxyExchange::feed_response_parser(evbuffer* input) {
  evbuffer_iovec segment{};
  evbuffer_peek(input, -1, nullptr, &segment, 1);
  const size_t length = std::min(segment.iov_len, kMaxParseSlice);
  const MessageParser::Result result =
      response_parser_.feed(static_cast<const char*>(segment.iov_base), length);
  evbuffer_drain(input, result.consumed);
  switch (result.status) {
    case MessageParser::Status::need_more:
      return;
    case MessageParser::Status::paused:
      if (body_mode_ == ResponseBodyMode::length && body_remaining_ > 0) {
        in_length_body_ = true;
      } else {
        complete_response();
      }
      return;
    case MessageParser::Status::upgrade:
      hand_over_to_tunnel();
      return;
    case MessageParser::Status::error:
      if (status_retry_) {
        // on_head refused a status that counts as the server's failure: the request moves on.
        const std::optional<size_t> next = status_retry_;
        status_retry_.reset();
        detach_upstream();
        if (!move_to(next)) {
          give_up(502);
        }
        return;
      }
      spdlog::warn("upstream {} sent an invalid response: {}", pool_->address_text(),
                   response_parser_.error_reason());
      fail_attempt(502);
      return;
  }
}

void ProxyExchange::conclude_at_eof() {
  if (!response_byte_seen_) {
    if (retry_on_fresh_connection()) {
      return;
    }
    spdlog::warn("upstream {} closed the connection without a response", pool_->address_text());
    fail_attempt(502);
    return;
  }
  if (!in_length_body_ && response_parser_.message_started()) {
    const MessageParser::Result result = response_parser_.finish();
    if (result.status != MessageParser::Status::error && message_ended_) {
      complete_response();
      return;
    }
  }
  spdlog::warn("upstream {} closed the connection in the middle of a response",
               pool_->address_text());
  fail_attempt(502);
}

void ProxyExchange::handle_upstream_failure(short events) {
  if (finished_) {
    return;
  }
  const bool timed_out = (events & BEV_EVENT_TIMEOUT) != 0;
  if (!timed_out && !response_byte_seen_ && retry_on_fresh_connection()) {
    return;
  }
  if (timed_out) {
    spdlog::warn("upstream {} timed out ({})", pool_->address_text(),
                 (events & BEV_EVENT_READING) ? "reading the response"
                 : connected_                 ? "sending the request"
                                              : "connecting");
  } else {
    spdlog::warn("upstream {} failed: {}", pool_->address_text(),
                 evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
  }
  fail_attempt(timed_out ? 504 : 502);
}

void ProxyExchange::fail_attempt(int status) {
  upstream_group_.report_failure(server_, monotonic_ms());
  if (!retry_on_next_server()) {
    give_up(status);
  }
}

// A pooled connection the backend closed while idle fails before any response byte: replay the
// request on a new connection to the same server instead of failing the client. That is not the
// server's failure.
bool ProxyExchange::retry_on_fresh_connection() {
  if (!upstream_ || !upstream_->reused() || !replayable_) {
    return false;
  }
  std::unique_ptr<UpstreamConnection> fresh = pool_->connect_new();
  if (!fresh) {
    return false;
  }
  detach_upstream();
  upstream_eof_ = false;
  attach(std::move(fresh));
  send_request_so_far();
  spdlog::debug("retrying on a new connection to {} after a pooled one failed",
                pool_->address_text());
  return true;
}

// Another server may take the request when nothing of the response reached the client and
// either no request byte reached this server or the request may be repeated.
std::optional<size_t> ProxyExchange::next_server_if_safe() {
  if (client_bytes_sent_ || !replayable_ || (connected_ && !request_.retry_after_send)) {
    return std::nullopt;
  }
  return attempts_.next(monotonic_ms());
}

bool ProxyExchange::retry_on_next_server() {
  const std::optional<size_t> next = next_server_if_safe();
  if (!next) {
    return false;
  }
  detach_upstream();
  return move_to(next);
}

// Starts the request over on `next`, or on the servers after it when they cannot be reached.
bool ProxyExchange::move_to(std::optional<size_t> next) {
  const std::string failed = pool_->address_text();
  for (; next; next = attempts_.next(monotonic_ms())) {
    reset_for_retry();
    if (connect_to(*next)) {
      spdlog::info("retrying the request on upstream {} after {} failed", pool_->address_text(),
                   failed);
      return true;
    }
    upstream_group_.report_failure(*next, monotonic_ms());
  }
  return false;
}

void ProxyExchange::reset_for_retry() {
  response_parser_.reset();
  upstream_eof_ = false;
  in_length_body_ = false;
  response_byte_seen_ = false;
  interim_response_ = false;
  message_ended_ = false;
  upstream_keep_alive_ = false;
  reading_suspended_ = false;
  body_mode_ = ResponseBodyMode::none;
  body_remaining_ = 0;
  response_status_ = 0;
  response_body_bytes_ = 0;
}

void ProxyExchange::complete_response() {
  finished_ = true;
  const bool reusable = upstream_keep_alive_ && request_complete_ &&
                        body_mode_ != ResponseBodyMode::until_close && !upstream_eof_ &&
                        evbuffer_get_length(bufferevent_get_input(upstream_->bev())) == 0;
  if (reusable) {
    upstream_->clear_callbacks();
    end_attempt();
    pool_->release(std::move(upstream_));
  } else {
    detach_upstream();
  }
  owner_.on_response_complete(client_keep_alive_);
}

void ProxyExchange::give_up(int status) {
  finished_ = true;
  detach_upstream();
  if (head_sent_to_client_) {
    owner_.on_exchange_aborted();
  } else {
    response_status_ = status;
    owner_.on_exchange_failed(status);
  }
}

void ProxyExchange::hand_over_to_tunnel() {
  finished_ = true;
  upstream_->clear_callbacks();
  bufferevent_set_timeouts(upstream_->bev(), nullptr, nullptr);
  // The tunnel reads with the bufferevent itself (its start enables EV_READ), beginning with
  // what the reader already put in the input buffer.
  SocketReader& reader = upstream_->reader();
  reader.set_timeout(nullptr);
  reader.disable();
  end_attempt();
  owner_.on_upgraded(std::move(upstream_));
}

void ProxyExchange::suspend_upstream_reads() {
  reading_suspended_ = true;
  upstream_->reader().disable();
}

void ProxyExchange::detach_upstream() {
  end_attempt();
  if (upstream_) {
    upstream_->clear_callbacks();
    upstream_.reset();
  }
}

void ProxyExchange::end_attempt() {
  if (attempt_open_) {
    attempt_open_ = false;
    upstream_group_.end_attempt(server_);
  }
}

void ProxyExchange::write_client(const char* data, size_t length) {
  client_bytes_sent_ = true;
  evbuffer_add(bufferevent_get_output(owner_.client_bev()), data, length);
}

AfterHead ProxyExchange::on_head(MessageHead& head, const BodyFraming& framing) {
  if (head.status == 101) {
    if (!request_.upgrade) {
      return AfterHead::reject;  // switching protocols nobody asked for
    }
    response_status_ = 101;
    upstream_group_.report_success(server_);
    build_client_response_head({head, ResponseBodyMode::none, false, true, true, {}}, scratch_);
    write_client(scratch_.data(), scratch_.size());
    head_sent_to_client_ = true;
    return AfterHead::upgrade;
  }
  if (head.status < 200) {
    // 100 Continue and 103 Early Hints go to clients that understand interim responses.
    interim_response_ = true;
    if (request_.client_http11) {
      build_client_response_head({head, ResponseBodyMode::none, true, true, false, {}}, scratch_);
      write_client(scratch_.data(), scratch_.size());
    }
    return AfterHead::read_body;
  }
  return start_final_response(head, framing);
}

AfterHead ProxyExchange::start_final_response(MessageHead& head, const BodyFraming& framing) {
  if (!transfer_encoding_is_unambiguous(head)) {
    response_parser_.refuse("Transfer-Encoding other than a single \"chunked\" in HTTP/1.1");
    return AfterHead::reject;  // an invalid response: 502, and the server's failure
  }
  if (upstream_group_.counts_as_failure(head.status)) {
    upstream_group_.report_failure(server_, monotonic_ms());
    if (const std::optional<size_t> next = next_server_if_safe()) {
      status_retry_ = next;
      return AfterHead::reject;
    }
  } else {
    upstream_group_.report_success(server_);
  }
  response_status_ = head.status;
  upstream_keep_alive_ = framing.keep_alive;
  const bool bodiless = request_.head_method || status_has_no_body(head.status);
  if (bodiless) {
    body_mode_ = ResponseBodyMode::none;
  } else if (framing.has_content_length) {
    body_mode_ = ResponseBodyMode::length;
    body_remaining_ = framing.content_length;
  } else {
    // Chunked and close-delimited bodies are re-framed: chunked for HTTP/1.1 clients keeps their
    // connection alive even when the upstream ends its body by closing.
    body_mode_ = request_.client_http11 ? ResponseBodyMode::chunked : ResponseBodyMode::until_close;
    upstream_keep_alive_ = upstream_keep_alive_ && framing.chunked;
  }
  // A worker that began draining while this request was in flight ends the connection with this
  // response, so a keep-alive client moves to the new generation without losing a request.
  client_keep_alive_ = request_.client_keep_alive && !context_.draining() &&
                       body_mode_ != ResponseBodyMode::until_close;
  build_client_response_head(
      {head, body_mode_, client_keep_alive_, request_.client_http11, false, sticky_cookie_to_set()},
      scratch_);
  write_client(scratch_.data(), scratch_.size());
  head_sent_to_client_ = true;
  const bool parser_reads_body =
      body_mode_ == ResponseBodyMode::chunked || body_mode_ == ResponseBodyMode::until_close;
  return parser_reads_body ? AfterHead::read_body : AfterHead::skip_body;
}

// A sticky upstream names the server that answered, unless the request already named it.
std::string_view ProxyExchange::sticky_cookie_to_set() const {
  const StickyCookie* sticky = upstream_group_.sticky();
  if (sticky == nullptr || attempts_.preferred() == server_) {
    return {};
  }
  return sticky->set_cookie_value(server_);
}

void ProxyExchange::on_body(const char* data, size_t length) {
  response_body_bytes_ += length;
  if (body_mode_ == ResponseBodyMode::chunked) {
    char size_line[kMaxChunkHeader];
    write_client(size_line, format_chunk_header(length, size_line));
    write_client(data, length);
    write_client(kChunkEnd.data(), kChunkEnd.size());
  } else {
    write_client(data, length);
  }
}

bool ProxyExchange::on_message_end() {
  if (interim_response_) {
    interim_response_ = false;
    return false;
  }
  if (response_status_ == 101) {
    return false;  // llhttp pauses for the upgrade itself
  }
  message_ended_ = true;
  // Trailers reach an HTTP/1.1 client, whose body stays chunked; an HTTP/1.0 client's body ends
  // with the connection, which cannot carry them.
  if (body_mode_ == ResponseBodyMode::chunked) {
    scratch_.clear();
    append_last_chunk(scratch_, response_parser_.trailers());
    write_client(scratch_.data(), scratch_.size());
  }
  return true;
}

}  // namespace relay7
