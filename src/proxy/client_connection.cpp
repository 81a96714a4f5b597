#include "relay7/proxy/client_connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <new>
#include <variant>

#include "relay7/event/bulk_read.h"
#include "relay7/event/direct_write.h"
#include "relay7/event/socket_reader.h"
#include "relay7/http/ascii.h"
#include "relay7/http/cookie.h"
#include "relay7/http/method.h"
#include "relay7/http/request_checks.h"
#include "relay7/proxy/local_response.h"
#include "relay7/proxy/parked_connection.h"
#include "relay7/proxy/proxy_context.h"
#include "relay7/proxy/timeouts.h"
#include "relay7/proxy/tunnel.h"
#include "relay7/proxy/upstream_request.h"
#include "relay7/upstream/hash_key.h"

namespace relay7 {
namespace {

std::string_view header_value(const HeaderList& headers, std::string_view name) {
  const Header* header = headers.find(name);
  return header != nullptr ? std::string_view(header->value) : std::string_view();
}

}  // namespace

ClientConnection::ClientConnection(ProxyContext& context, BufferEventPtr bev,
                                   const SocketAddress& peer, size_t listener_index)
    : context_(context),
      bev_(std::move(bev)),
      peer_(peer),
      peer_ip_(peer.host_string()),
      listener_index_(listener_index),
      parser_(MessageType::request, *this, context.request_limits()),
      timer_(evtimer_new(context.base(), &ClientConnection::on_timer, this)) {
  reader_.emplace(bev_.get(), kBufferHighWatermark);
  if (!reader_->valid()) {
    throw std::bad_alloc();  // the worker drops the connection
  }
}

ClientConnection::~ClientConnection() {
  if (exchange_) {
    exchange_->abort();
  }
}

void ClientConnection::open(ProxyContext& context, UniqueFd fd, const SocketAddress& peer,
                            size_t listener_index) {
  BufferEventPtr bev(bufferevent_socket_new(context.base(), fd.get(), BEV_OPT_CLOSE_ON_FREE));
  if (!bev) {
    return;  // fd closes
  }
  fd.release();  // the bufferevent closes it now
  auto connection =
      std::make_unique<ClientConnection>(context, std::move(bev), peer, listener_index);
  ClientConnection& added = *connection;
  context.connections().add(std::move(connection));
  added.start();
  if (context.draining()) {
    added.begin_drain();
  }
}

void ClientConnection::start() {
  // The socket is read by reader_, the bufferevent only writes: its EV_READ stays disabled.
  // Pipelined requests beyond kBufferHighWatermark wait in the socket, not in relay7's memory.
  reader_->set_callbacks(&ClientConnection::on_read, &ClientConnection::on_event, this);
  bufferevent_setcb(bev_.get(), nullptr, &ClientConnection::on_write, &ClientConnection::on_event,
                    this);
  bufferevent_setwatermark(bev_.get(), EV_WRITE, 0, 0);
  allow_large_writes(bev_.get(), kBufferHighWatermark);
  const timeval send = to_timeval(context_.timeouts().send);
  bufferevent_set_timeouts(bev_.get(), nullptr, &send);
  // Output is written directly (see direct_write.h); a new bufferevent starts with EV_WRITE on.
  bufferevent_disable(bev_.get(), EV_WRITE);
  reader_->enable();
  // The first request must arrive within the header timeout; later ones within keep-alive.
  wait_for_request(context_.timeouts().client_header);
}

void ClientConnection::begin_drain() {
  draining_ = true;
  if (phase_ == Phase::waiting) {
    arm_timer(std::min(kIdleDrainGrace, context_.timeouts().keepalive));
  }
}

void ClientConnection::on_read(bufferevent*, void* context) {
  static_cast<ClientConnection*>(context)->process_input();
}

void ClientConnection::on_write(bufferevent* bev, void* context) {
  stop_write_events_if_drained(bev);
  auto* self = static_cast<ClientConnection*>(context);
  if (self->phase_ == Phase::closing) {
    self->close_now();
  } else if (self->exchange_) {
    self->exchange_->on_client_output_drained();
  }
}

void ClientConnection::on_event(bufferevent*, short events, void* context) {
  auto* self = static_cast<ClientConnection*>(context);
  const bool eof = (events & BEV_EVENT_EOF) != 0;
  if (eof && self->phase_ == Phase::awaiting_response) {
    // A half-closed client still gets the response it asked for; nothing more is read.
    self->peer_closed_ = true;
    self->reader_->disable();
    return;
  }
  if ((events & BEV_EVENT_TIMEOUT) && (events & BEV_EVENT_READING) && self->phase_ == Phase::body) {
    spdlog::info("client {} timed out sending the request body", self->peer_ip_);
  }
  self->close_now();
}

void ClientConnection::on_timer(evutil_socket_t, short, void* context) {
  auto* self = static_cast<ClientConnection*>(context);
  if (self->phase_ == Phase::head) {
    self->keep_alive_ = false;
    self->request_complete_ = false;
    self->answer_locally(408);
  } else if (self->phase_ == Phase::waiting) {
    self->on_wait_timer();
  } else {
    self->close_now();
  }
}

// The first turn of the timer ends the short wait before parking; the second, the wait itself.
void ClientConnection::on_wait_timer() {
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

// Hands the socket to a ParkedConnection and retires this one; false when it cannot (a response
// still leaving, an address a parked connection cannot hold).
bool ClientConnection::park(Duration wait) {
  if (!reader_ || !ParkedConnection::fits(peer_) ||
      evbuffer_get_length(bufferevent_get_output(bev_.get())) != 0) {
    return false;
  }
  event_del(timer_.get());
  reader_.reset();
  UniqueFd fd(bufferevent_getfd(bev_.get()));
  bufferevent_setfd(bev_.get(), -1);  // deletes its events; it no longer closes the socket
  bufferevent_setcb(bev_.get(), nullptr, nullptr, nullptr, nullptr);
  phase_ = Phase::closing;
  context_.connections().retire(this);
  auto parked =
      std::make_unique<ParkedConnection>(context_, std::move(fd), peer_, listener_index_, wait);
  if (parked->valid()) {
    context_.connections().add(std::move(parked));
    // At debug level only: what an operator (or a test) needs to see that parking happens.
    spdlog::debug("client {} parked after {} ms idle", peer_ip_, kIdleParkDelay.count());
  }
  return true;
}

void ClientConnection::process_input() {
  // Requests answered locally come back here through wait_for_next_request; the flag turns that
  // into another turn of this loop, so a thousand pipelined requests never nest a thousand deep.
  if (processing_input_) {
    return;
  }
  processing_input_ = true;
  consume_input();
  processing_input_ = false;
}

void ClientConnection::consume_input() {
  evbuffer* input = bufferevent_get_input(bev_.get());
  while (evbuffer_get_length(input) > 0) {
    if (phase_ == Phase::waiting) {
      phase_ = Phase::head;
      request_start_ = std::chrono::steady_clock::now();
      arm_timer(context_.timeouts().client_header);
    }
    if (phase_ != Phase::head && phase_ != Phase::body) {
      return;
    }
    if (phase_ == Phase::body && exchange_ && exchange_->body_backlogged()) {
      reader_->disable();  // on_request_body_drained resumes
      return;
    }
    if (!feed_parser()) {
      return;
    }
  }
}

// Returns true while the parser can take more input now.
bool ClientConnection::feed_parser() {
  evbuffer* input = bufferevent_get_input(bev_.get());
  evbuffer_iovec segment{};
  evbuffer_peek(input, -1, nullptr, &segment, 1);
  const size_t length = std::min(segment.iov_len, kMaxParseSlice);
  const MessageParser::Result result =
      parser_.feed(static_cast<const char*>(segment.iov_base), length);
  evbuffer_drain(input, result.consumed);
  if (body_too_large_) {
    spdlog::info("client {} sent a body over max_body_size ({} bytes)", peer_ip_, body_limit_);
    abandon_request_body(413);
    return false;
  }
  switch (result.status) {
    case MessageParser::Status::need_more:
      return true;
    case MessageParser::Status::paused:
    case MessageParser::Status::upgrade:
      after_pause();
      return phase_ == Phase::body || phase_ == Phase::waiting;
    case MessageParser::Status::error:
      reject_unparsable_request();
      return false;
  }
  return false;
}

void ClientConnection::reject_unparsable_request() {
  if (phase_ == Phase::body) {
    spdlog::info("client {} sent a malformed request body: {}", peer_ip_, parser_.error_reason());
    abandon_request_body(400);
    return;
  }
  keep_alive_ = false;
  request_complete_ = false;
  switch (parser_.head_limit()) {
    case HeadLimit::target_too_long:
      answer_locally(414);
      return;
    case HeadLimit::head_too_large:
      answer_locally(431);
      return;
    case HeadLimit::none:
      break;
  }
  answer_locally(parser_.failed_on_unsupported_version() ? 505 : 400);
}

void ClientConnection::abandon_request_body(int status) {
  // The head went upstream already; that upstream connection is abandoned with the exchange.
  // The client still learns why, unless the response has begun.
  if (exchange_ && exchange_->response_started()) {
    close_now();
    return;
  }
  context_.connections().retire_later(std::move(exchange_));
  phase_ = Phase::awaiting_response;
  keep_alive_ = false;
  request_complete_ = false;
  answer_locally(status);
}

// The parser stops after a head (to route before any body byte moves) and after each message.
void ClientConnection::after_pause() {
  if (head_ready_) {
    head_ready_ = false;
    dispatch();
    if (phase_ == Phase::closing || phase_ == Phase::waiting) {
      return;
    }
    if (request_complete_ || upgrade_requested_) {
      phase_ = Phase::awaiting_response;
      return;
    }
    phase_ = Phase::body;
    const Duration body_timeout = context_.timeouts().client_body;
    set_read_timeout(&body_timeout);
    parser_.resume();
    return;
  }
  if (request_complete_ && phase_ == Phase::body) {
    phase_ = Phase::awaiting_response;
    set_read_timeout(nullptr);
  }
}

AfterHead ClientConnection::on_head(MessageHead&, const BodyFraming& framing) {
  framing_ = framing;
  head_ready_ = true;
  request_complete_ = false;
  upgrade_requested_ = false;
  const bool has_body = framing.chunked || framing.content_length > 0;
  if (framing.upgrade_requested && !has_body) {
    upgrade_requested_ = true;
    return AfterHead::upgrade;
  }
  return has_body ? AfterHead::pause : AfterHead::skip_body;
}

void ClientConnection::on_body(const char* data, size_t length) {
  body_received_ += length;
  if (body_limit_ != 0 && body_received_ > body_limit_) {
    body_too_large_ = true;  // handled once the parser returns: not from inside its callback
    return;
  }
  if (exchange_) {
    exchange_->send_body(data, length);
  }
}

bool ClientConnection::on_message_end() {
  request_complete_ = true;
  if (exchange_) {
    exchange_->end_body(parser_.trailers());
  }
  return !upgrade_requested_;  // an upgrade makes llhttp pause by itself
}

void ClientConnection::dispatch() {
  event_del(timer_.get());  // the header phase is over
  body_limit_ = 0;
  body_received_ = 0;
  body_too_large_ = false;
  keep_alive_ = framing_.keep_alive && !draining_ && !context_.draining() &&
                context_.timeouts().keepalive > Duration::zero();
  if (const int status = validate_request(); status != 0) {
    keep_alive_ = false;
    answer_locally(status);
    return;
  }
  const ListenerRoutes& listener = context_.routes().listeners()[listener_index_];
  const VirtualServer& server = context_.routes().server(listener.select(host_));
  if (!apply_encoded_slash_policy(server.encoded_slashes())) {
    keep_alive_ = false;
    answer_locally(400);
    return;
  }
  const Location* location = server.match(target_.path);
  if (!encoded_slashes_change_nothing(server, location)) {
    spdlog::info("client {} sent a path whose encoded slashes select another location: {}",
                 peer_ip_, parser_.head().target);
    keep_alive_ = false;
    answer_locally(400);
    return;
  }
  if (location == nullptr) {
    answer_locally(404);
    return;
  }
  if (const auto* action = std::get_if<LocalResponseAction>(&location->action)) {
    answer_locally(action->status, action->location, action->body);
    return;
  }
  body_limit_ = location->max_body_size;
  if (body_limit_ != 0 && framing_.content_length > body_limit_) {
    answer_locally(413);  // declared too large: refused before a byte goes upstream
    return;
  }
  proxy(*location, std::get<ProxyAction>(location->action));
}

// Returns 0 when the request may be routed, else the status that refuses it.
int ClientConnection::validate_request() {
  const MessageHead& head = parser_.head();
  if (const int status = refuse_request_head(head); status != 0) {
    return status;
  }
  asterisk_form_ = head.target == "*";
  if (asterisk_form_) {
    // "OPTIONS *" asks about the server as a whole (RFC 9112 section 3.2.4): it is routed as
    // "/" would be and goes upstream as "*". No other method has this form.
    if (head.method != "OPTIONS") {
      return 400;
    }
    target_.path.assign(1, '/');
    target_.query.clear();
    target_.has_query = false;
    target_.authority.clear();
  } else if (parse_request_target(head.target, target_) != TargetError::none) {
    return 400;
  }
  host_ = normalize_host(target_.authority.empty() ? header_value(head.headers, "host")
                                                   : std::string_view(target_.authority));
  return 0;
}

// The target was parsed before its server was known, with encoded slashes kept; a server with
// another policy parses it again, only when it holds one.
bool ClientConnection::apply_encoded_slash_policy(EncodedSlashes policy) {
  if (policy == EncodedSlashes::keep || !has_encoded_slash(target_.path)) {
    return true;
  }
  return parse_request_target(parser_.head().target, target_, policy) == TargetError::none;
}

// Under "keep" an encoded slash is passed on, but a backend that decodes it splits the path there.
// The request goes through only when the decoded reading would be routed to the same location,
// so "/%2Fadmin" or "/x%2F..%2Fadmin" can never reach a backend that reads "/admin" past a
// location that blocks it.
bool ClientConnection::encoded_slashes_change_nothing(const VirtualServer& server,
                                                      const Location* location) {
  if (server.encoded_slashes() != EncodedSlashes::keep || !has_encoded_slash(target_.path)) {
    return true;
  }
  if (normalize_path(target_.path, decoded_path_, EncodedSlashes::decode) != TargetError::none) {
    return false;  // e.g. "/..%2F..%2Fetc" climbs above the root once decoded
  }
  return server.match(decoded_path_) == location;
}

std::string_view ClientConnection::host_to_forward() const {
  if (!target_.authority.empty()) {
    return target_.authority;
  }
  return header_value(parser_.head().headers, "host");
}

void ClientConnection::proxy(const Location& location, const ProxyAction& action) {
  const MessageHead& head = parser_.head();
  if (asterisk_form_) {
    upstream_path_.assign(1, '*');
  } else if (!build_upstream_path(location, action, target_.path, upstream_path_)) {
    keep_alive_ = false;
    answer_locally(400);
    return;
  }
  UpstreamRuntime& upstream = context_.upstream(action.upstream_index);
  attempts_.reset(upstream, hash_key(upstream.config()), sticky_server(upstream));
  const std::optional<size_t> server = attempts_.first(monotonic_ms());
  if (!server) {
    spdlog::error("no live upstreams in \"{}\" for {} {}", upstream.config().name, head.method,
                  upstream_path_);
    answer_locally(502);
    return;
  }

  ExchangeRequest request;
  request.body_mode = framing_.chunked              ? RequestBodyMode::chunked
                      : framing_.content_length > 0 ? RequestBodyMode::length
                                                    : RequestBodyMode::none;
  std::string_view host = host_to_forward();
  if (host.empty()) {
    host = upstream.address_text(*server);  // an HTTP/1.0 request without Host
  }
  build_upstream_request_head(
      UpstreamRequest{head, upstream_path_, target_.query, target_.has_query, host, peer_ip_,
                      request.body_mode, framing_.content_length, upgrade_requested_,
                      upstream.config().keepalive > 0},
      request.head);
  request.head_method = head.method == "HEAD";
  request.upgrade = upgrade_requested_;
  request.client_http11 = head.is_http11_or_later();
  request.client_keep_alive = keep_alive_;
  request.retry_after_send = action.retry_non_idempotent || is_idempotent(head.method);
  exchange_ = std::make_unique<ProxyExchange>(context_, static_cast<ExchangeOwner&>(*this),
                                              attempts_, std::move(request));
  if (!exchange_->start(*server)) {
    context_.connections().retire_later(std::move(exchange_));
    answer_locally(502);
  }
}

// What a hashing balancer hashes for this request; empty for the others.
std::string_view ClientConnection::hash_key(const UpstreamConfig& upstream) const {
  switch (upstream.balance) {
    case BalanceMethod::ip_hash:
      return peer_.address_bytes();
    case BalanceMethod::hash:
      return hash_key_of(upstream.hash_key, HashKeyInputs{peer_.address_bytes(), target_.path,
                                                          parser_.head().headers});
    case BalanceMethod::round_robin:
    case BalanceMethod::least_conn:
      break;
  }
  return {};
}

// The server a sticky cookie names, if the upstream is sticky and the request carries one.
std::optional<size_t> ClientConnection::sticky_server(const UpstreamRuntime& upstream) const {
  const StickyCookie* sticky = upstream.sticky();
  if (sticky == nullptr) {
    return std::nullopt;
  }
  const std::optional<std::string_view> value =
      find_cookie(parser_.head().headers, sticky->cookie_name());
  return value ? sticky->server_for(*value) : std::nullopt;
}

void ClientConnection::answer_locally(int status, std::string_view location, std::string_view body,
                                      std::string_view upstream) {
  const MessageHead& head = parser_.head();
  // Unread body bytes would be taken for the next request: close instead of keeping alive.
  const bool keep_alive = keep_alive_ && request_complete_ && !upgrade_requested_;
  const size_t body_bytes =
      append_local_response(bufferevent_get_output(bev_.get()),
                            LocalResponse{status, location, body, keep_alive,
                                          head.is_http11_or_later(), head.method == "HEAD"},
                            context_.clock().http_date());
  finish_request(status, body_bytes, upstream, keep_alive);
}

void ClientConnection::finish_request(int status, uint64_t body_bytes, std::string_view upstream,
                                      bool keep_alive) {
  flush_output(bev_.get());
  log_request(status, body_bytes, upstream);
  context_.connections().retire_later(std::move(exchange_));
  if (keep_alive && request_complete_ && !peer_closed_) {
    wait_for_next_request();
  } else {
    close_after_flush();
  }
}

void ClientConnection::wait_for_next_request() {
  phase_ = Phase::waiting;
  upgrade_requested_ = false;
  set_read_timeout(nullptr);
  reader_->enable();
  parser_.resume();
  if (draining_) {
    arm_timer(std::min(kIdleDrainGrace, context_.timeouts().keepalive));
  } else {
    wait_for_request(context_.timeouts().keepalive);
  }
  process_input();
}

void ClientConnection::wait_for_request(Duration limit) {
  wait_limit_ = limit;
  arm_timer(std::min(limit, kIdleParkDelay));
}

void ClientConnection::on_response_complete(bool keep_alive) {
  const int status = exchange_->response_status();
  const uint64_t body_bytes = exchange_->response_body_bytes();
  const std::string upstream = exchange_->upstream_address();
  finish_request(status, body_bytes, upstream, keep_alive);
}

void ClientConnection::on_exchange_failed(int status) {
  const std::string upstream = exchange_->upstream_address();
  context_.connections().retire_later(std::move(exchange_));
  answer_locally(status, {}, {}, upstream);
}

void ClientConnection::on_exchange_aborted() {
  log_request(exchange_->response_status(), exchange_->response_body_bytes(),
              exchange_->upstream_address());
  context_.connections().retire_later(std::move(exchange_));
  close_after_flush();
}

void ClientConnection::on_upgraded(std::unique_ptr<UpstreamConnection> upstream) {
  log_request(101, 0, exchange_->upstream_address());
  context_.connections().retire_later(std::move(exchange_));
  event_del(timer_.get());
  bufferevent_setcb(bev_.get(), nullptr, nullptr, nullptr, nullptr);
  // The tunnel reads with the bufferevent itself (its start enables EV_READ), beginning with
  // what reader_ already put in the input buffer.
  reader_.reset();
  auto tunnel = std::make_unique<Tunnel>(context_, std::move(bev_), std::move(upstream));
  Tunnel& started = *tunnel;
  context_.connections().add(std::move(tunnel));
  if (draining_) {
    started.begin_drain();
  }
  started.start();
  phase_ = Phase::closing;
  context_.connections().retire(this);
}

void ClientConnection::on_request_body_drained() {
  if (phase_ == Phase::body) {
    reader_->enable();
    process_input();
  }
}

void ClientConnection::close_after_flush() {
  phase_ = Phase::closing;
  event_del(timer_.get());
  reader_->disable();
  flush_output(bev_.get());
  if (evbuffer_get_length(bufferevent_get_output(bev_.get())) == 0) {
    close_now();
  }
  // Otherwise on_write closes once the output has drained (or the send timeout fires).
}

void ClientConnection::close_now() {
  phase_ = Phase::closing;
  event_del(timer_.get());
  if (exchange_) {
    exchange_->abort();
    context_.connections().retire_later(std::move(exchange_));
  }
  if (reader_) {
    reader_->set_callbacks(nullptr, nullptr, nullptr);
    reader_->disable();
  }
  if (bev_) {
    bufferevent_setcb(bev_.get(), nullptr, nullptr, nullptr, nullptr);
    bufferevent_disable(bev_.get(), EV_READ | EV_WRITE);
  }
  context_.connections().retire(this);
}

void ClientConnection::arm_timer(Duration duration) {
  const timeval tv = to_timeval(duration);
  evtimer_add(timer_.get(), &tv);
}

// The read timeout is reader_'s; the bufferevent keeps the send timeout start() gave it.
void ClientConnection::set_read_timeout(const Duration* duration) {
  if (duration == nullptr) {
    reader_->set_timeout(nullptr);
    return;
  }
  const timeval read = to_timeval(*duration);
  reader_->set_timeout(&read);
}

void ClientConnection::log_request(int status, uint64_t body_bytes, std::string_view upstream) {
  AccessLog& log = context_.access_log();
  if (!log.enabled()) {
    return;
  }
  const MessageHead& head = parser_.head();
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - request_start_;
  log.write(
      AccessLogEntry{peer_ip_, head.method, head.target, head.version_major, head.version_minor,
                     status, body_bytes, header_value(head.headers, "referer"),
                     header_value(head.headers, "user-agent"), upstream, elapsed.count()},
      context_.clock().log_time());
}

}  // namespace relay7
