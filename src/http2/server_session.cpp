#include "relay7/http2/server_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <new>

#include "relay7/event/timeval.h"
#include "relay7/http1/idle_timing.h"
#include "relay7/http2/stream.h"
#include "relay7/pipeline/proxy_context.h"
#include "relay7/transport/flow_limits.h"
#include "relay7/upstream/shared_state.h"

namespace relay7 {
namespace {

// Each stream may have this much request body in flight (the default of RFC 9113, and nginx's
// preread size); the connection's window is that times the streams allowed, so streams held
// back by slow backends can never shut the others out.
constexpr int32_t kStreamWindow = 65535;

// GOAWAY written without nghttp2, for when nghttp2 has failed fatally and can send nothing more
// (a flood it caught itself, a broken preface): 9 bytes of frame header (length 8, type 7, no
// flags, stream 0) and the last stream id and error code.
void append_goaway(IoBuffer& out, int32_t last_stream_id, uint32_t error_code) {
  const auto id = static_cast<uint32_t>(last_stream_id) & 0x7fffffffU;
  const char frame[17] = {0,
                          0,
                          8,
                          0x7,
                          0,
                          0,
                          0,
                          0,
                          0,
                          static_cast<char>(id >> 24),
                          static_cast<char>(id >> 16),
                          static_cast<char>(id >> 8),
                          static_cast<char>(id),
                          static_cast<char>(error_code >> 24),
                          static_cast<char>(error_code >> 16),
                          static_cast<char>(error_code >> 8),
                          static_cast<char>(error_code)};
  out.append(std::string_view(frame, sizeof frame));
}

Http2ServerSession& session_of(void* self) {
  return *static_cast<Http2ServerSession*>(self);
}

Http2Stream* stream_of(nghttp2_session* codec, int32_t id) {
  return static_cast<Http2Stream*>(nghttp2_session_get_stream_user_data(codec, id));
}

}  // namespace

Http2ServerSession::Http2ServerSession(ProxyContext& context, std::unique_ptr<Transport> transport,
                                       const SocketAddress& peer, size_t listener_index,
                                       IoBuffer input)
    : context_(context),
      // An HTTP/2 connection counts as active for its whole life: its streams come and go.
      gauge_(context.metrics(), ConnectionState::active),
      transport_(std::move(transport)),
      input_(std::move(input)),
      output_(context.blocks()),
      client_{peer, peer.host_string(), listener_index},
      send_event_(event_new(context.base(), -1, 0, &Http2ServerSession::on_send_event, this)),
      timer_(evtimer_new(context.base(), &Http2ServerSession::on_timer, this)),
      resets_(context.config().http2.max_resets_per_second),
      control_frames_(context.config().http2.max_control_frames_per_second) {
  if (!send_event_ || !timer_) {
    throw std::bad_alloc();
  }
  configure_codec();
}

Http2ServerSession::~Http2ServerSession() {
  for (auto& [id, stream] : streams_) {
    stream->on_closed();
  }
  streams_.clear();  // before the codec, whose data sources point into them
  if (transport_) {
    transport_->set_owner(nullptr);
  }
}

void Http2ServerSession::configure_codec() {
  nghttp2_session_callbacks* raw_callbacks = nullptr;
  if (nghttp2_session_callbacks_new(&raw_callbacks) != 0) {
    throw std::bad_alloc();
  }
  const Nghttp2CallbacksPtr callbacks(raw_callbacks);
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks.get(), on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(callbacks.get(), on_header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks.get(), on_frame_received);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks.get(), on_data_chunk);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks.get(), on_stream_closed);
  nghttp2_session_callbacks_set_on_frame_send_callback(callbacks.get(), on_frame_sent);

  nghttp2_option* raw_option = nullptr;
  if (nghttp2_option_new(&raw_option) != 0) {
    throw std::bad_alloc();
  }
  const Nghttp2OptionPtr option(raw_option);
  // Request bodies are acknowledged as backends take them (Http2Stream::acknowledge).
  nghttp2_option_set_no_auto_window_update(option.get(), 1);
  // relay7's own reset budget acts first (with ENHANCE_YOUR_CALM and a log line); nghttp2's stays
  // behind it, at twice the rate, as a second line.
  const Http2Config& limits = context_.config().http2;
  nghttp2_option_set_stream_reset_rate_limit(option.get(),
                                             uint64_t{limits.max_resets_per_second} * 20,
                                             uint64_t{limits.max_resets_per_second} * 2);

  nghttp2_session* raw_session = nullptr;
  if (nghttp2_session_server_new2(&raw_session, callbacks.get(), this, option.get()) != 0) {
    throw std::bad_alloc();
  }
  codec_.reset(raw_session);
}

bool Http2ServerSession::submit_settings() {
  const Http2Config& limits = context_.config().http2;
  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, limits.max_concurrent_streams},
      {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},  // relay7 never pushes; said so clients need not guess
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, static_cast<uint32_t>(kStreamWindow)},
      // WebSocket over HTTP/2 (RFC 8441).
      {NGHTTP2_SETTINGS_ENABLE_CONNECT_PROTOCOL, 1},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE,
       static_cast<uint32_t>(std::min<uint64_t>(context_.config().limits.request_head, INT32_MAX))},
  };
  const int32_t connection_window = static_cast<int32_t>(
      std::min<int64_t>(int64_t{kStreamWindow} * limits.max_concurrent_streams, INT32_MAX));
  return nghttp2_submit_settings(codec_.get(), NGHTTP2_FLAG_NONE, settings,
                                 sizeof settings / sizeof settings[0]) == 0 &&
         nghttp2_session_set_local_window_size(codec_.get(), NGHTTP2_FLAG_NONE, 0,
                                               connection_window) == 0;
}

void Http2ServerSession::open(ProxyContext& context, std::unique_ptr<Transport> transport,
                              const SocketAddress& peer, size_t listener_index, IoBuffer input) {
  auto session = std::make_unique<Http2ServerSession>(context, std::move(transport), peer,
                                                      listener_index, std::move(input));
  Http2ServerSession& added = *session;
  context.connections().add(std::move(session));
  added.start();
}

void Http2ServerSession::start() {
  transport_->set_owner(this);
  if (!submit_settings()) {
    close_now();
    return;
  }
  if (context_.draining()) {
    begin_drain();
  }
  update_idle_timeout();
  handling_io_ = true;
  feed_input();  // what was read with the handshake, or before the switch from HTTP/1
  send_pending();
  handling_io_ = false;
  after_io();
}

// ---- nghttp2's callbacks ----

int Http2ServerSession::on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* self) {
  if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) {
    return 0;  // trailers: the stream exists already
  }
  return session_of(self).begin_stream(*frame);
}

int Http2ServerSession::begin_stream(const nghttp2_frame& frame) {
  const int32_t id = frame.hd.stream_id;
  try {
    auto stream = std::make_unique<Http2Stream>(*this, id);
    nghttp2_session_set_stream_user_data(codec_.get(), id, stream.get());
    streams_.emplace(id, std::move(stream));
    context_.metrics().count_http2_stream(client_.listener_index);
  } catch (const std::bad_alloc&) {
    spdlog::error("out of memory opening an HTTP/2 stream");
    // nghttp2 resets this stream (INTERNAL_ERROR); the connection goes on.
    return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  }
  return 0;
}

int Http2ServerSession::on_header(nghttp2_session* codec, const nghttp2_frame* frame,
                                  const uint8_t* name, size_t name_length, const uint8_t* value,
                                  size_t value_length, uint8_t, void*) {
  Http2Stream* stream = stream_of(codec, frame->hd.stream_id);
  if (stream == nullptr || frame->hd.type != NGHTTP2_HEADERS) {
    return 0;
  }
  const std::string_view field_name(reinterpret_cast<const char*>(name), name_length);
  const std::string_view field_value(reinterpret_cast<const char*>(value), value_length);
  if (frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
    stream->on_field(field_name, field_value);
  } else {
    stream->on_trailer(field_name, field_value);
  }
  return 0;
}

int Http2ServerSession::on_frame_received(nghttp2_session*, const nghttp2_frame* frame,
                                          void* self) {
  return session_of(self).frame_received(*frame);
}

int Http2ServerSession::frame_received(const nghttp2_frame& frame) {
  if (!within_budget(frame)) {
    return 0;
  }
  Http2Stream* stream = stream_of(codec_.get(), frame.hd.stream_id);
  if (stream == nullptr) {
    return 0;
  }
  const bool end_stream = (frame.hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
  if (frame.hd.type == NGHTTP2_HEADERS && frame.headers.cat == NGHTTP2_HCAT_REQUEST) {
    stream->on_head_complete(end_stream);
  } else if ((frame.hd.type == NGHTTP2_HEADERS || frame.hd.type == NGHTTP2_DATA) && end_stream) {
    stream->on_request_end();
  }
  return 0;
}

// Frames that cost relay7 work but carry no request: a client sending them without end is told
// to calm down. nghttp2 bounds the acknowledgements it queues for a client that does not read
// (and CONTINUATION frames), but not the rate of these.
bool Http2ServerSession::within_budget(const nghttp2_frame& frame) {
  if (calmed_down_) {
    return false;
  }
  const bool ack = (frame.hd.flags & NGHTTP2_FLAG_ACK) != 0;
  const bool end_stream = (frame.hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
  switch (frame.hd.type) {
    case NGHTTP2_RST_STREAM:
      if (!resets_.take(monotonic_ms())) {
        calm_down("reset streams faster than http2.max_resets_per_second");
        return false;
      }
      return true;
    case NGHTTP2_PING:
    case NGHTTP2_SETTINGS:
      if (!ack && !control_frames_.take(monotonic_ms())) {
        calm_down("sent PING or SETTINGS frames faster than http2.max_control_frames_per_second");
        return false;
      }
      return true;
    case NGHTTP2_PRIORITY:
      if (!control_frames_.take(monotonic_ms())) {
        calm_down("sent PRIORITY frames faster than http2.max_control_frames_per_second");
        return false;
      }
      return true;
    case NGHTTP2_DATA:
      if (frame.hd.length == 0 && !end_stream && !control_frames_.take(monotonic_ms())) {
        calm_down("sent empty DATA frames faster than http2.max_control_frames_per_second");
        return false;
      }
      return true;
    default:
      return true;
  }
}

void Http2ServerSession::calm_down(std::string_view what) {
  if (calmed_down_) {
    return;  // nghttp2 goes on with the frames already read: one line and one GOAWAY is enough
  }
  calmed_down_ = true;
  spdlog::warn("client {} {}: HTTP/2 connection ended with GOAWAY ENHANCE_YOUR_CALM",
               client_.peer_ip, what);
  nghttp2_session_terminate_session(codec_.get(), NGHTTP2_ENHANCE_YOUR_CALM);
}

int Http2ServerSession::on_data_chunk(nghttp2_session* codec, uint8_t, int32_t stream_id,
                                      const uint8_t* data, size_t length, void* self) {
  Http2Stream* stream = stream_of(codec, stream_id);
  if (stream == nullptr) {
    session_of(self).acknowledge(stream_id, length);
    return 0;
  }
  stream->on_body(std::string_view(reinterpret_cast<const char*>(data), length));
  return 0;
}

int Http2ServerSession::on_frame_sent(nghttp2_session* codec, const nghttp2_frame* frame, void*) {
  if ((frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) ||
      (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) == 0) {
    return 0;
  }
  const Http2Stream* stream = stream_of(codec, frame->hd.stream_id);
  if (stream != nullptr && !stream->request_ended()) {
    // The response is complete before the request: the client may stop sending its body.
    nghttp2_submit_rst_stream(codec, NGHTTP2_FLAG_NONE, frame->hd.stream_id, NGHTTP2_NO_ERROR);
  }
  return 0;
}

int Http2ServerSession::on_stream_closed(nghttp2_session*, int32_t stream_id, uint32_t,
                                         void* self) {
  session_of(self).stream_closed(stream_id);
  return 0;
}

void Http2ServerSession::stream_closed(int32_t id) {
  const auto found = streams_.find(id);
  if (found == streams_.end()) {
    return;
  }
  std::unique_ptr<Http2Stream> stream = std::move(found->second);
  streams_.erase(found);
  nghttp2_session_set_stream_user_data(codec_.get(), id, nullptr);
  stream->on_closed();
  context_.connections().retire_later(std::move(stream));
}

// ---- for the streams ----

void Http2ServerSession::schedule_send() {
  if (handling_io_ || send_scheduled_ || closed_) {
    return;  // an I/O handler sends before it returns
  }
  send_scheduled_ = true;
  event_active(send_event_.get(), 0, 0);
}

void Http2ServerSession::acknowledge(int32_t stream_id, size_t length) {
  if (closed_ || length == 0) {
    return;
  }
  // A stream nghttp2 has closed gives back only the connection's share.
  nghttp2_session_consume(codec_.get(), stream_id, length);
  schedule_send();
}

void Http2ServerSession::note_drained(int32_t stream_id) {
  drained_.push_back(stream_id);
}

Http2Stream* Http2ServerSession::stream(int32_t id) const {
  const auto found = streams_.find(id);
  return found != streams_.end() ? found->second.get() : nullptr;
}

// ---- reading ----

void Http2ServerSession::on_transport_event(Transport&, TransportEvent event) {
  switch (event) {
    case TransportEvent::readable:
      on_readable();
      return;
    case TransportEvent::writable:
      on_writable();
      return;
    case TransportEvent::read_timeout:
      if (streams_.empty()) {
        // Idle for the keep-alive timeout: a GOAWAY tells the client no request was lost.
        send_final_goaway();
        return;
      }
      update_idle_timeout();
      return;
    case TransportEvent::write_timeout:
      spdlog::info("client {} stopped reading its HTTP/2 responses", client_.peer_ip);
      close_now();
      return;
  }
}

void Http2ServerSession::on_readable() {
  if (closing_) {
    return;
  }
  if (output_.size() >= kBufferHighWatermark) {
    // The client does not read what it asked for: its next frames wait in the socket.
    reading_paused_ = true;
    transport_->watch_read(false);
    return;
  }
  const ReadResult result = transport_->read(input_, kMaxParseSlice);
  if (result.status == ReadResult::Status::end_of_stream ||
      result.status == ReadResult::Status::error) {
    close_now();
    return;
  }
  handling_io_ = true;
  feed_input();
  send_pending();
  handling_io_ = false;
  after_io();
}

void Http2ServerSession::feed_input() {
  while (!input_.empty() && !closing_) {
    const std::string_view bytes = input_.front();
    const ssize_t used = nghttp2_session_mem_recv(
        codec_.get(), reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    if (used < 0) {
      fail(used);
      return;
    }
    input_.consume(static_cast<size_t>(used));
  }
}

// nghttp2 failed fatally and sends nothing more: relay7 writes the GOAWAY itself.
void Http2ServerSession::fail(ssize_t error) {
  const int32_t last = nghttp2_session_get_last_proc_stream_id(codec_.get());
  switch (error) {
    case NGHTTP2_ERR_BAD_CLIENT_MAGIC:
      spdlog::info("client {} did not start with the HTTP/2 connection preface", client_.peer_ip);
      append_goaway(output_, last, NGHTTP2_PROTOCOL_ERROR);
      break;
    case NGHTTP2_ERR_FLOODED:
    case NGHTTP2_ERR_TOO_MANY_CONTINUATIONS:
      spdlog::warn(
          "client {} flooded its HTTP/2 connection ({}): ended with GOAWAY "
          "ENHANCE_YOUR_CALM",
          client_.peer_ip, nghttp2_strerror(static_cast<int>(error)));
      append_goaway(output_, last, NGHTTP2_ENHANCE_YOUR_CALM);
      break;
    default:
      spdlog::error("HTTP/2 connection of client {} failed: {}", client_.peer_ip,
                    nghttp2_strerror(static_cast<int>(error)));
      append_goaway(output_, last, NGHTTP2_INTERNAL_ERROR);
      break;
  }
  close_after_flush();
}

// ---- writing ----

void Http2ServerSession::on_send_event(evutil_socket_t, short, void* self) {
  auto& session = session_of(self);
  session.send_scheduled_ = false;
  if (session.closing_) {
    return;
  }
  session.handling_io_ = true;
  session.send_pending();
  session.handling_io_ = false;
  session.after_io();
}

void Http2ServerSession::on_writable() {
  const WriteResult result = transport_->write(output_);
  if (result.status == WriteResult::Status::error) {
    close_now();
    return;
  }
  if (!output_.empty()) {
    return;  // still watching
  }
  transport_->watch_write(false);
  if (closing_) {
    close_now();
    return;
  }
  handling_io_ = true;
  send_pending();
  handling_io_ = false;
  if (reading_paused_ && output_.size() < kBufferHighWatermark && !closing_) {
    reading_paused_ = false;
    idle_timeout_on_ = false;
    transport_->watch_read(true);
  }
  after_io();
}

void Http2ServerSession::send_pending() {
  while (!closing_ && output_.size() < kBufferHighWatermark) {
    const uint8_t* data = nullptr;
    const ssize_t length = nghttp2_session_mem_send(codec_.get(), &data);
    if (length < 0) {
      fail(length);
      return;
    }
    if (length == 0) {
      break;
    }
    output_.append(
        std::string_view(reinterpret_cast<const char*>(data), static_cast<size_t>(length)));
  }
  write_output();
  notify_drained();
}

void Http2ServerSession::write_output() {
  if (output_.empty() || closed_ || transport_->watching_write()) {
    return;
  }
  const WriteResult result = transport_->write(output_);
  if (result.status == WriteResult::Status::error) {
    close_now();
    return;
  }
  if (!output_.empty()) {
    transport_->watch_write(true, context_.timeouts().send);
  }
}

void Http2ServerSession::notify_drained() {
  if (drained_.empty() || closed_) {
    return;
  }
  std::vector<int32_t> ids;
  ids.swap(drained_);
  for (const int32_t id : ids) {
    Http2Stream* drained = stream(id);
    if (drained != nullptr && drained->wants_drain_notice()) {
      drained->on_drained();
    }
  }
}

// ---- the connection's life ----

void Http2ServerSession::after_io() {
  if (closed_) {
    return;
  }
  if (closing_) {
    if (output_.empty()) {
      close_now();
    }
    return;
  }
  if (!nghttp2_session_want_read(codec_.get()) && !nghttp2_session_want_write(codec_.get())) {
    close_after_flush();  // GOAWAY exchanged and every stream done
    return;
  }
  update_idle_timeout();
}

// The keep-alive timeout runs while no stream is open; an open stream's progress is bounded by
// the pipeline's own timeouts (upstream read, send).
void Http2ServerSession::update_idle_timeout() {
  const bool idle = streams_.empty();
  if (reading_paused_ || closing_ || (idle == idle_timeout_on_ && transport_->watching_read())) {
    return;
  }
  idle_timeout_on_ = idle;
  transport_->watch_read(false);
  transport_->watch_read(
      true, idle ? std::optional<Duration>(context_.timeouts().keepalive) : std::nullopt);
}

// A GOAWAY that announces the end without refusing anything, then, after a grace for requests
// already on their way, the GOAWAY that names the last stream taken (RFC 9113 section 6.8).
void Http2ServerSession::begin_drain() {
  if (draining_ || closing_) {
    return;
  }
  draining_ = true;
  nghttp2_submit_shutdown_notice(codec_.get());
  const timeval grace = to_timeval(kIdleDrainGrace);
  evtimer_add(timer_.get(), &grace);
  schedule_send();
}

void Http2ServerSession::on_timer(evutil_socket_t, short, void* self) {
  session_of(self).send_final_goaway();
}

void Http2ServerSession::send_final_goaway() {
  if (final_goaway_sent_ || closing_) {
    return;
  }
  final_goaway_sent_ = true;
  nghttp2_submit_goaway(codec_.get(), NGHTTP2_FLAG_NONE,
                        nghttp2_session_get_last_proc_stream_id(codec_.get()), NGHTTP2_NO_ERROR,
                        nullptr, 0);
  handling_io_ = true;
  send_pending();
  handling_io_ = false;
  after_io();
}

void Http2ServerSession::close_after_flush() {
  closing_ = true;
  event_del(timer_.get());
  transport_->watch_read(false);
  write_output();
  if (output_.empty() && !closed_) {
    close_now();
  }
}

void Http2ServerSession::close_now() {
  if (closed_) {
    return;
  }
  closed_ = true;
  closing_ = true;
  event_del(timer_.get());
  event_del(send_event_.get());
  for (auto& [id, stream] : streams_) {
    nghttp2_session_set_stream_user_data(codec_.get(), id, nullptr);
    stream->on_closed();
    context_.connections().retire_later(std::move(stream));
  }
  streams_.clear();
  transport_->set_owner(nullptr);
  transport_->watch_read(false);
  transport_->watch_write(false);
  context_.connections().retire(this);
}

}  // namespace relay7
