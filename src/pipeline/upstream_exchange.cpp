#include "relay7/pipeline/upstream_exchange.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "relay7/http/chunked.h"
#include "relay7/http/status.h"
#include "relay7/http/transfer_encoding.h"
#include "relay7/pipeline/proxy_context.h"
#include "relay7/upstream/connection_pool.h"

namespace relay7 {

UpstreamExchange::UpstreamExchange(ProxyContext& context, UpstreamExchangeOwner& owner,
                                   Downstream& downstream, UpstreamAttempts& attempts,
                                   ReplayBuffer& replay, const UpstreamRequestPlan& plan)
    : context_(context),
      owner_(owner),
      downstream_(downstream),
      attempts_(attempts),
      group_(attempts.upstream()),
      plan_(plan),
      replay_(replay) {
  request_complete_ = plan_.body_mode == RequestBodyMode::none;
}

UpstreamExchange::~UpstreamExchange() {
  drop_session();
}

const std::string& UpstreamExchange::upstream_address() const {
  return pool_->address_text();
}

double UpstreamExchange::attempt_seconds() const {
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - attempt_started_;
  return elapsed.count();
}

UpstreamTimeouts UpstreamExchange::timeouts() const {
  const TimeoutsConfig& timeouts = context_.timeouts();
  return UpstreamTimeouts{timeouts.upstream_connect, timeouts.upstream_send,
                          timeouts.upstream_read};
}

bool UpstreamExchange::start(size_t server) {
  std::optional<size_t> next = server;
  while (next) {
    if (connect_to(*next)) {
      return true;
    }
    count_failure(*next, UpstreamFailureReason::connect);
    group_.report_failure(*next, monotonic_ms());
    next = attempts_.next(monotonic_ms());
  }
  state_ = State::finished;
  return false;
}

bool UpstreamExchange::connect_to(size_t server) {
  server_ = server;
  pool_ = &group_.pool(server);
  std::unique_ptr<Http1ClientSession> session = pool_->acquire();
  if (!session) {
    spdlog::error("cannot create a connection to upstream {}", pool_->address_text());
    return false;
  }
  if (attempts_started_++ != 0) {
    context_.metrics().count_retry(plan_.upstream_index);
  }
  group_.begin_attempt(server);
  context_.metrics().attempt_started(plan_.upstream_index, group_.members()[server].server);
  attempt_started_ = std::chrono::steady_clock::now();
  attempt_open_ = true;
  begin_on(std::move(session));
  return true;
}

// The head, then whatever body an earlier attempt already sent.
void UpstreamExchange::begin_on(std::unique_ptr<Http1ClientSession> session) {
  session_ = std::move(session);
  session_->begin(*this, timeouts(), replay_.bytes(), request_complete_);
}

void UpstreamExchange::send_body(std::string_view bytes) {
  if (state_ == State::finished || !session_ || bytes.empty()) {
    return;  // the response already ended (an early answer) or the upstream is gone
  }
  if (plan_.body_mode == RequestBodyMode::chunked) {
    char size_line[kMaxChunkHeader];
    scratch_.assign(size_line, format_chunk_header(bytes.size(), size_line));
    scratch_ += bytes;
    scratch_ += kChunkEnd;
    bytes = scratch_;
  }
  replay_.append_body(bytes);
  session_->send(bytes);
}

void UpstreamExchange::end_body(const HeaderList& trailers) {
  if (request_complete_) {
    return;
  }
  request_complete_ = true;
  if (state_ == State::finished || !session_) {
    return;
  }
  if (plan_.body_mode == RequestBodyMode::chunked) {
    scratch_.clear();
    append_last_chunk(scratch_, trailers);
    replay_.append_body(scratch_);
    session_->send(scratch_);
  }
  session_->finish_request();
}

bool UpstreamExchange::body_backlogged() const {
  return session_ && session_->output_backlogged();
}

void UpstreamExchange::on_downstream_drained() {
  if (state_ != State::finished && session_) {
    session_->resume_reading();
  }
}

void UpstreamExchange::abort() {
  state_ = State::finished;
  drop_session();
}

ResponseBody UpstreamExchange::on_response_head(MessageHead& head, const BodyFraming& framing) {
  if (head.status == 101) {
    if (!plan_.upgrade) {
      response_parser_refusal_ = "101 Switching Protocols to a request that asked for none";
      return ResponseBody::reject;
    }
    response_status_ = 101;
    count_response(101);
    group_.report_success(server_);
    ResponseHead response;
    response.status = 101;
    response.reason = head.reason;
    response.fields = &head.headers;
    response.bodiless = true;
    response.switching_protocols = true;
    state_ = State::relaying;
    downstream_.start_response(response);
    return ResponseBody::upgrade;
  }
  if (head.status < 200) {
    // 100 Continue and 103 Early Hints go on to clients that understand interim responses.
    ResponseHead interim;
    interim.status = head.status;
    interim.reason = head.reason;
    interim.fields = &head.headers;
    interim.bodiless = true;
    response_sent_ = true;
    downstream_.send_interim(interim);
    return ResponseBody::none;
  }
  return start_final_response(head, framing);
}

ResponseBody UpstreamExchange::start_final_response(MessageHead& head, const BodyFraming& framing) {
  if (!transfer_encoding_is_unambiguous(head)) {
    response_parser_refusal_ = "Transfer-Encoding other than a single \"chunked\" in HTTP/1.1";
    return ResponseBody::reject;  // an invalid response: 502, and the server's failure
  }
  count_response(head.status);
  if (group_.counts_as_failure(head.status)) {
    count_failure(server_, UpstreamFailureReason::status);
    group_.report_failure(server_, monotonic_ms());
    if (const std::optional<size_t> next = next_server_if_safe(true)) {
      status_retry_ = next;
      return ResponseBody::abandon;
    }
  } else {
    group_.report_success(server_);
  }
  response_status_ = head.status;
  ResponseHead response;
  response.status = head.status;
  response.reason = head.reason;
  response.fields = &head.headers;
  response.bodiless = plan_.head_method || status_has_no_body(head.status);
  if (framing.has_content_length) {
    response.content_length = framing.content_length;
  }
  response.set_cookie = sticky_cookie_to_set();
  response.edits = plan_.response_edits;
  state_ = State::relaying;
  downstream_.start_response(response);
  if (response.bodiless) {
    return ResponseBody::none;
  }
  return framing.has_content_length ? ResponseBody::raw : ResponseBody::parse;
}

// A sticky upstream names the server that answered, unless the request already named it.
std::string_view UpstreamExchange::sticky_cookie_to_set() const {
  const StickyCookie* sticky = group_.sticky();
  if (sticky == nullptr || attempts_.preferred() == server_) {
    return {};
  }
  return sticky->set_cookie_value(server_);
}

void UpstreamExchange::on_response_body(std::string_view bytes) {
  response_body_bytes_ += bytes.size();
  downstream_.send_body(bytes);
}

void UpstreamExchange::on_response_body(IoBuffer& input, size_t length) {
  response_body_bytes_ += length;
  downstream_.send_body(input, length);
}

bool UpstreamExchange::response_backlogged() const {
  return downstream_.response_backlogged();
}

void UpstreamExchange::on_input_drained() {
  if (state_ == State::relaying) {
    downstream_.flush_response();
  }
}

void UpstreamExchange::on_request_body_drained() {
  if (!request_complete_) {
    downstream_.resume_request_body();
  }
}

void UpstreamExchange::on_response_complete(const HeaderList& trailers) {
  state_ = State::finished;
  end_attempt();
  // The trailers belong to the connection's parser: the client side takes them before the
  // connection goes back to its pool or closes. The owner ends the request, but neither it nor
  // this exchange is destroyed before the current event returns (ConnectionSet::retire_later),
  // and the session takes the next request up only from a later event.
  std::unique_ptr<Http1ClientSession> session = std::move(session_);
  owner_.on_upstream_complete(trailers);
  if (session->reusable()) {
    pool_->release(std::move(session));
  }
}

void UpstreamExchange::on_switched_protocols() {
  state_ = State::finished;
  end_attempt();
  std::unique_ptr<Transport> transport = session_->take_transport();
  IoBuffer input = session_->take_input();
  drop_session();
  owner_.on_upstream_switched(std::move(transport), std::move(input));  // last
}

// on_response_head refused a status that counts as the server's failure: the request moves on.
void UpstreamExchange::on_response_abandoned() {
  const std::optional<size_t> next = std::exchange(status_retry_, std::nullopt);
  drop_session();
  if (!move_to(next)) {
    give_up(502);
  }
}

void UpstreamExchange::log_failure(const UpstreamFailure& failure) const {
  const std::string& address = pool_->address_text();
  switch (failure.kind) {
    case UpstreamFailureKind::timeout:
      spdlog::warn("upstream {} timed out ({})", address, failure.detail);
      return;
    case UpstreamFailureKind::connect:
      // With the upstream's name: a TLS verification failure is usually its "tls" settings'.
      spdlog::warn("upstream {} (of {}) failed: connect: {}", address, group_.config().name,
                   failure.detail);
      return;
    case UpstreamFailureKind::reset:
      spdlog::warn("upstream {} failed: {}", address, failure.detail);
      return;
    case UpstreamFailureKind::invalid_response:
      spdlog::warn("upstream {} sent an invalid response: {}", address,
                   response_parser_refusal_ != nullptr ? response_parser_refusal_ : failure.detail);
      return;
  }
}

void UpstreamExchange::on_upstream_failure(const UpstreamFailure& failure) {
  if (state_ == State::finished) {
    return;
  }
  if (failure.kind != UpstreamFailureKind::timeout && retry_on_fresh_connection(failure)) {
    return;
  }
  log_failure(failure);
  count_failure(server_, static_cast<UpstreamFailureReason>(failure.kind));
  group_.report_failure(server_, monotonic_ms());
  response_parser_refusal_ = nullptr;
  const int status = failure.kind == UpstreamFailureKind::timeout ? 504 : 502;
  if (state_ == State::relaying) {
    give_up(status);
    return;
  }
  const std::optional<size_t> next = next_server_if_safe(failure.connected);
  if (!next) {
    give_up(status);
    return;
  }
  drop_session();
  if (!move_to(next)) {
    give_up(status);
  }
}

// A pooled connection the backend closed while idle fails before any response byte: the request
// is replayed on a new connection to the same server instead of failing the client. That is not
// the server's failure.
bool UpstreamExchange::retry_on_fresh_connection(const UpstreamFailure& failure) {
  if (failure.response_byte_seen || failure.kind == UpstreamFailureKind::invalid_response ||
      !session_ || !session_->reused() || !replay_.complete() || state_ != State::attempting) {
    return false;
  }
  std::unique_ptr<Http1ClientSession> fresh = pool_->connect_new();
  if (!fresh) {
    return false;
  }
  session_.reset();
  spdlog::debug("retrying on a new connection to {} after a pooled one failed",
                pool_->address_text());
  begin_on(std::move(fresh));
  return true;
}

// Another server may take the request when nothing of the response reached the client and
// either no request byte reached this server or the request may be repeated.
std::optional<size_t> UpstreamExchange::next_server_if_safe(bool request_may_have_arrived) {
  if (response_sent_ || !replay_.complete() ||
      (request_may_have_arrived && !plan_.retry_after_send)) {
    return std::nullopt;
  }
  return attempts_.next(monotonic_ms());
}

// Starts the request over on `next`, or on the servers after it when they cannot be reached.
bool UpstreamExchange::move_to(std::optional<size_t> next) {
  const std::string failed = pool_->address_text();
  end_attempt();
  for (; next; next = attempts_.next(monotonic_ms())) {
    state_ = State::attempting;
    response_status_ = 0;
    response_body_bytes_ = 0;
    if (connect_to(*next)) {
      spdlog::info("retrying the request on upstream {} after {} failed", pool_->address_text(),
                   failed);
      return true;
    }
    count_failure(*next, UpstreamFailureReason::connect);
    group_.report_failure(*next, monotonic_ms());
  }
  return false;
}

void UpstreamExchange::give_up(int status) {
  const bool started = state_ == State::relaying;
  state_ = State::finished;
  drop_session();
  if (started) {
    owner_.on_upstream_aborted();  // last
  } else {
    response_status_ = status;
    owner_.on_upstream_failed(status);  // last
  }
}

void UpstreamExchange::end_attempt() {
  if (attempt_open_) {
    attempt_open_ = false;
    group_.end_attempt(server_);
    context_.metrics().attempt_ended(plan_.upstream_index, group_.members()[server_].server);
  }
}

// Every final (or 101) response head of an attempt, with the time it took to come.
void UpstreamExchange::count_response(int status) {
  const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - attempt_started_);
  context_.metrics().count_upstream_response(plan_.upstream_index, group_.members()[server_].server,
                                             status, static_cast<uint64_t>(elapsed.count()));
}

// A failure kind is its reason in the metrics (static_cast in on_upstream_failure).
static_assert(static_cast<int>(UpstreamFailureKind::connect) ==
              static_cast<int>(UpstreamFailureReason::connect));
static_assert(static_cast<int>(UpstreamFailureKind::timeout) ==
              static_cast<int>(UpstreamFailureReason::timeout));
static_assert(static_cast<int>(UpstreamFailureKind::reset) ==
              static_cast<int>(UpstreamFailureReason::reset));
static_assert(static_cast<int>(UpstreamFailureKind::invalid_response) ==
              static_cast<int>(UpstreamFailureReason::invalid_response));

void UpstreamExchange::count_failure(size_t server, UpstreamFailureReason reason) {
  context_.metrics().count_upstream_failure(plan_.upstream_index, group_.members()[server].server,
                                            reason);
}

void UpstreamExchange::drop_session() {
  end_attempt();
  session_.reset();
}

}  // namespace relay7
