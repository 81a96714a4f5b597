#include "demo/connection.h"

#include <event2/buffer.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <utility>

#include "demo/body_pattern.h"
#include "demo/echo_json.h"
#include "demo/json_writer.h"
#include "demo/query.h"

namespace relay7::demo {
namespace {

// Bounds what one client can make the backend buffer while a response is pending.
constexpr size_t kInputHighWater = 1024 * 1024;
// The write callback fires whenever queued output drops to this, which is when a streamed body
// gets refilled.
constexpr size_t kOutputLowWater = 128 * 1024;
constexpr size_t kStreamBufferTarget = 512 * 1024;
// Past this much unsent output, stop answering pipelined requests until the client reads.
constexpr size_t kPauseParsingOutput = 1024 * 1024;
constexpr size_t kTunnelMaxBuffered = 1024 * 1024;
constexpr uint64_t kRateTickMs = 50;
constexpr uint64_t kLingerMs = 2000;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr std::string_view kGarbage = "NOT HTTP AT ALL\r\n\r\n";
constexpr std::string_view kJson = "application/json";

timeval to_timeval(uint64_t milliseconds) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(milliseconds / 1000);
  tv.tv_usec = static_cast<suseconds_t>((milliseconds % 1000) * 1000);
  return tv;
}

}  // namespace

Connection::Connection(const ServerContext& context, evutil_socket_t fd, RetireFn retire)
    : context_(context), retire_(std::move(retire)) {
  bev_.reset(bufferevent_socket_new(context_.base, fd, BEV_OPT_CLOSE_ON_FREE));
  if (!bev_) {
    evutil_closesocket(fd);
    throw std::runtime_error("bufferevent_socket_new failed");
  }
  // Responses are small and latency matters more than packet count in tests.
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  bufferevent_setcb(bev_.get(), on_read, on_write, on_event, this);
  bufferevent_setwatermark(bev_.get(), EV_READ, 0, kInputHighWater);
  bufferevent_setwatermark(bev_.get(), EV_WRITE, kOutputLowWater, 0);
  bufferevent_enable(bev_.get(), EV_READ | EV_WRITE);
}

template <typename Fn>
void Connection::guarded(void* arg, Fn&& fn) noexcept {
  auto* self = static_cast<Connection*>(arg);
  try {
    fn(*self);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "relay7-demo-backend: dropping connection: %s\n", e.what());
    self->close();
  } catch (...) {
    self->close();
  }
}

void Connection::on_read(bufferevent*, void* arg) {
  guarded(arg, [](Connection& c) { c.handle_readable(); });
}

void Connection::on_write(bufferevent*, void* arg) {
  guarded(arg, [](Connection& c) { c.handle_writable(); });
}

void Connection::on_event(bufferevent*, short what, void* arg) {
  guarded(arg, [what](Connection& c) { c.handle_event(what); });
}

void Connection::on_timer(evutil_socket_t, short, void* arg) {
  guarded(arg, [](Connection& c) { c.handle_timer(); });
}

void Connection::on_rate_tick(evutil_socket_t, short, void* arg) {
  guarded(arg, [](Connection& c) { c.handle_rate_tick(); });
}

evbuffer* Connection::input() const {
  return bufferevent_get_input(bev_.get());
}
evbuffer* Connection::output() const {
  return bufferevent_get_output(bev_.get());
}
size_t Connection::output_length() const {
  return evbuffer_get_length(output());
}

void Connection::write(std::string_view bytes) {
  if (evbuffer_add(output(), bytes.data(), bytes.size()) != 0) {
    throw std::runtime_error("evbuffer_add failed");
  }
}

void Connection::handle_readable() {
  switch (state_) {
    case State::kReading:
      process_input();
      break;
    case State::kTunnel:
      echo_input();
      break;
    case State::kClosing:
    case State::kLingering:
      evbuffer_drain(input(), evbuffer_get_length(input()));
      break;
    default:
      // Parsing resumes when the current response is done; the input high-water mark bounds
      // what piles up meanwhile.
      break;
  }
}

void Connection::handle_writable() {
  switch (state_) {
    case State::kStreaming:
      refill_stream();
      if (state_ == State::kReading)
        process_input();
      break;
    case State::kWaitingDrain:
      state_ = State::kReading;
      process_input();
      break;
    case State::kClosing:
      if (output_length() == 0)
        start_lingering();
      break;
    case State::kTunnel:
      if (tunnel_read_paused_) {
        tunnel_read_paused_ = false;
        bufferevent_enable(bev_.get(), EV_READ);
      }
      break;
    default:
      break;
  }
}

void Connection::handle_event(short what) {
  if ((what & BEV_EVENT_ERROR) != 0) {
    close();
    return;
  }
  if ((what & BEV_EVENT_EOF) == 0)
    return;
  peer_eof_ = true;
  switch (state_) {
    case State::kReading:
      process_input();
      break;
    case State::kTunnel:
      start_closing();
      break;
    case State::kLingering:
      close();
      break;
    default:
      // Requests already received are still answered; the end is handled once idle.
      break;
  }
}

void Connection::handle_timer() {
  if (state_ == State::kDelaying) {
    respond();
    if (state_ == State::kReading)
      process_input();
  } else if (state_ == State::kLingering) {
    close();
  }
}

void Connection::process_input() {
  while (state_ == State::kReading) {
    if (output_length() > kPauseParsingOutput) {
      state_ = State::kWaitingDrain;
      return;
    }
    if (rate_limited_ && budget_ == 0) {
      bufferevent_disable(bev_.get(), EV_READ);
      return;
    }
    evbuffer_iovec vec{};
    const int chunks = evbuffer_peek(input(), -1, nullptr, &vec, 1);
    std::string_view data;
    if (chunks > 0)
      data = std::string_view(static_cast<const char*>(vec.iov_base), vec.iov_len);
    if (data.empty() && !feed_pending_)
      break;
    feed_pending_ = false;
    if (rate_limited_)
      data = data.substr(0, budget_);
    const ParseStep step = parser_.feed(data);
    evbuffer_drain(input(), step.consumed);
    if (rate_limited_)
      budget_ -= std::min(budget_, step.consumed);
    handle_parse_event(step.event);
  }
  if (state_ == State::kReading && peer_eof_ && evbuffer_get_length(input()) == 0) {
    handle_peer_gone();
  }
}

void Connection::handle_parse_event(ParseEvent event) {
  switch (event) {
    case ParseEvent::kNeedMore:
      break;
    case ParseEvent::kHeadersComplete:
      begin_request();
      break;
    case ParseEvent::kMessageComplete:
      end_request();
      break;
    case ParseEvent::kError:
      stop_rate_limit();
      respond_error(400, parser_.error());
      break;
  }
}

void Connection::begin_request() {
  // A body-less request completes only when the parser runs again, even with no new bytes.
  feed_pending_ = true;
  const Request& request = parser_.request();
  const std::string_view path = uri_path(request.uri);
  special_path_ = path == "/__requests" || path == "/__reset";
  controls_ = special_path_ ? Controls{} : controls_for(request.uri, context_.name);
  if (!special_path_)
    context_.log->record(request.uri);
  if (request.expect_continue)
    write(kContinue);
  if (controls_.body_rate > 0 && controls_.error.empty())
    start_rate_limit(controls_.body_rate);
}

void Connection::end_request() {
  stop_rate_limit();
  if (special_path_) {
    respond_special();
  } else if (!controls_.error.empty()) {
    respond_error(400, controls_.error);
  } else if (controls_.delay_ms > 0) {
    state_ = State::kDelaying;
    arm_timer(controls_.delay_ms);
  } else {
    respond();
  }
}

void Connection::respond() {
  const Request& request = parser_.request();
  if (controls_.drop) {
    close();
    return;
  }
  if (controls_.garbage) {
    write(kGarbage);
    start_closing();
    return;
  }
  if (request.upgrade && !request.is_connect && !controls_.status) {
    start_tunnel();
    return;
  }
  const ResponsePlan plan = plan_response(request, controls_);
  close_after_response_ = plan.close;
  if (controls_.bytes) {
    write(build_stream_head(plan, "application/octet-stream", *controls_.bytes));
    if (plan.send_body) {
      stream_last_chunk_ = last_chunk(plan);
      start_stream(*controls_.bytes, plan.framing == BodyFraming::kChunked);
    } else {
      finish_response();
    }
    return;
  }
  write(build_response(plan, kJson, echo_json(request, context_.name, context_.port)));
  finish_response();
}

void Connection::respond_special() {
  const Request& request = parser_.request();
  const ResponsePlan plan = plain_plan(request);
  close_after_response_ = plan.close;
  std::string body;
  if (uri_path(request.uri) == "/__reset") {
    context_.log->clear();
    body = "{\"reset\":true}";
  } else {
    body = json_string_array(context_.log->uris());
  }
  write(build_response(plan, kJson, body));
  finish_response();
}

void Connection::respond_error(int status, std::string_view message) {
  std::string body = "{\"error\":";
  append_json_string(body, message);
  body += '}';
  close_after_response_ = true;
  write(build_response(error_plan(status), kJson, body));
  finish_response();
}

void Connection::start_stream(uint64_t length, bool chunked) {
  stream_remaining_ = length;
  stream_chunked_ = chunked;
  state_ = State::kStreaming;
  refill_stream();
}

void Connection::refill_stream() {
  const std::string_view piece = pattern_piece();
  while (stream_remaining_ > 0 && output_length() < kStreamBufferTarget) {
    const size_t size = static_cast<size_t>(std::min<uint64_t>(stream_remaining_, piece.size()));
    if (stream_chunked_)
      write(chunk_header(size));
    // The pattern is immutable and lives for the whole process, so reference, don't copy.
    if (evbuffer_add_reference(output(), piece.data(), size, nullptr, nullptr) != 0) {
      throw std::runtime_error("evbuffer_add_reference failed");
    }
    if (stream_chunked_)
      write("\r\n");
    stream_remaining_ -= size;
  }
  if (stream_remaining_ > 0)
    return;
  if (stream_chunked_)
    write(stream_last_chunk_);
  finish_response();
}

void Connection::start_tunnel() {
  const Request& request = parser_.request();
  std::string head = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ";
  head += find_header(request.headers, "Upgrade");
  head += "\r\n\r\n";
  write(head);
  state_ = State::kTunnel;
  echo_input();
  if (peer_eof_)
    start_closing();
}

void Connection::echo_input() {
  if (evbuffer_add_buffer(output(), input()) != 0) {
    throw std::runtime_error("evbuffer_add_buffer failed");
  }
  if (output_length() > kTunnelMaxBuffered) {
    // Backpressure: stop reading until the peer consumes the echo.
    tunnel_read_paused_ = true;
    bufferevent_disable(bev_.get(), EV_READ);
  }
}

void Connection::finish_response() {
  if (close_after_response_) {
    start_closing();
  } else {
    state_ = State::kReading;
  }
}

void Connection::handle_peer_gone() {
  if (parser_.in_message()) {
    respond_error(400, "request truncated by end of stream");
  } else {
    close();
  }
}

void Connection::start_closing() {
  state_ = State::kClosing;
  if (output_length() == 0)
    start_lingering();
}

void Connection::start_lingering() {
  if (peer_eof_) {
    close();
    return;
  }
  // Closing with unread input would make the kernel send RST, which can destroy the response
  // before the client reads it; shut down writing and wait for the client to close instead.
  state_ = State::kLingering;
  shutdown(bufferevent_getfd(bev_.get()), SHUT_WR);
  evbuffer_drain(input(), evbuffer_get_length(input()));
  bufferevent_enable(bev_.get(), EV_READ);
  arm_timer(kLingerMs);
}

void Connection::close() noexcept {
  if (state_ == State::kClosed)
    return;
  state_ = State::kClosed;
  bufferevent_setcb(bev_.get(), nullptr, nullptr, nullptr, nullptr);
  bufferevent_disable(bev_.get(), EV_READ | EV_WRITE);
  if (timer_)
    evtimer_del(timer_.get());
  if (rate_timer_)
    evtimer_del(rate_timer_.get());
  retire_();
}

void Connection::start_rate_limit(uint64_t bytes_per_second) {
  budget_per_tick_ =
      static_cast<size_t>(std::max<uint64_t>(1, bytes_per_second * kRateTickMs / 1000));
  budget_ = budget_per_tick_;
  rate_limited_ = true;
  if (!rate_timer_) {
    rate_timer_.reset(event_new(context_.base, -1, EV_PERSIST, on_rate_tick, this));
    if (!rate_timer_)
      throw std::runtime_error("event_new failed");
  }
  const timeval tick = to_timeval(kRateTickMs);
  evtimer_add(rate_timer_.get(), &tick);
  // Read no further ahead than one tick's budget, so the client (or proxy) really has to wait.
  bufferevent_setwatermark(bev_.get(), EV_READ, 0,
                           std::clamp<size_t>(budget_per_tick_, 1024, kInputHighWater));
}

void Connection::stop_rate_limit() {
  if (!rate_limited_)
    return;
  rate_limited_ = false;
  evtimer_del(rate_timer_.get());
  bufferevent_setwatermark(bev_.get(), EV_READ, 0, kInputHighWater);
  if (!peer_eof_)
    bufferevent_enable(bev_.get(), EV_READ);
}

void Connection::handle_rate_tick() {
  budget_ = budget_per_tick_;
  if (!peer_eof_)
    bufferevent_enable(bev_.get(), EV_READ);
  if (state_ == State::kReading)
    process_input();
}

void Connection::arm_timer(uint64_t milliseconds) {
  if (!timer_) {
    timer_.reset(evtimer_new(context_.base, on_timer, this));
    if (!timer_)
      throw std::runtime_error("evtimer_new failed");
  }
  const timeval delay = to_timeval(milliseconds);
  evtimer_add(timer_.get(), &delay);
}

}  // namespace relay7::demo
