#pragma once

#include <nghttp2/nghttp2.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "relay7/event/handles.h"
#include "relay7/http2/frame_budget.h"
#include "relay7/http2/nghttp2_handles.h"
#include "relay7/metrics/connection_gauge.h"
#include "relay7/net/socket_address.h"
#include "relay7/pipeline/exchange.h"
#include "relay7/transport/connection_set.h"
#include "relay7/transport/io_buffer.h"
#include "relay7/transport/transport.h"

namespace relay7 {

class Http2Stream;
class ProxyContext;

// The HTTP/2 server session: one client connection speaking HTTP/2, after ALPN chose h2 on a TLS
// address or from the first byte on an h2c address. libnghttp2 does the framing, HPACK, flow
// control and the protocol's checks (its HTTP messaging checks stay on: they refuse a body whose
// length disagrees with content-length, which closes the H2.CL and H2.TE smuggling paths toward
// HTTP/1.1 backends); each stream is a request through the usual pipeline (http2/stream.h).
//
// What is the session's own: reading and writing the transport, the floods nghttp2 does not
// bound by itself (resets, control frames: GOAWAY ENHANCE_YOUR_CALM and a log line), the idle
// timeout, and draining (a GOAWAY that announces the end, then one with the last stream taken,
// then the open streams finish).
//
// Frames the pipeline's calls queue are sent from a fresh turn of the event loop (schedule_send),
// never from inside those calls, so a stream that ends is never torn down under the exchange
// that ended it.
class Http2ServerSession final : public ManagedConnection, private TransportOwner {
 public:
  Http2ServerSession(ProxyContext& context, std::unique_ptr<Transport> transport,
                     const SocketAddress& peer, size_t listener_index, IoBuffer input);
  ~Http2ServerSession() override;
  Http2ServerSession(const Http2ServerSession&) = delete;
  Http2ServerSession& operator=(const Http2ServerSession&) = delete;

  // Serves a connection whose next bytes are HTTP/2's (the connection preface first); `input`
  // holds what was read of it already. Throws std::bad_alloc; the transport closes then.
  static void open(ProxyContext& context, std::unique_ptr<Transport> transport,
                   const SocketAddress& peer, size_t listener_index, IoBuffer input);

  void begin_drain() override;

  // For its streams.
  ProxyContext& context() { return context_; }
  const ClientEndpoint& client() const { return client_; }
  nghttp2_session* codec() { return codec_.get(); }
  void schedule_send();
  // Request bytes the backend has taken: the client may send as many more.
  void acknowledge(int32_t stream_id, size_t length);
  // A stream's response body was framed below its watermark (see Http2Stream::on_drained).
  void note_drained(int32_t stream_id);

 private:
  void start();
  void configure_codec();
  bool submit_settings();

  // nghttp2's callbacks, each handed to the session or the stream it is about.
  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* self);
  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                       size_t name_length, const uint8_t* value, size_t value_length, uint8_t,
                       void* self);
  static int on_frame_received(nghttp2_session*, const nghttp2_frame* frame, void* self);
  static int on_data_chunk(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t* data,
                           size_t length, void* self);
  static int on_stream_closed(nghttp2_session*, int32_t stream_id, uint32_t error_code, void* self);
  static int on_frame_sent(nghttp2_session*, const nghttp2_frame* frame, void*);

  int begin_stream(const nghttp2_frame& frame);
  int frame_received(const nghttp2_frame& frame);
  bool within_budget(const nghttp2_frame& frame);
  void calm_down(std::string_view what);
  Http2Stream* stream(int32_t id) const;
  void stream_closed(int32_t id);

  // Reading, writing, closing.
  void on_transport_event(Transport& transport, TransportEvent event) override;
  void on_readable();
  void on_writable();
  void feed_input();
  void fail(ssize_t error);
  static void on_send_event(evutil_socket_t, short, void* self);
  static void on_timer(evutil_socket_t, short, void* self);
  void send_pending();
  void write_output();
  void notify_drained();
  void after_io();
  void update_idle_timeout();
  void send_final_goaway();
  void close_after_flush();
  void close_now();

  ProxyContext& context_;
  ConnectionGauge gauge_;  // relay7_connections{state}
  std::unique_ptr<Transport> transport_;
  IoBuffer input_;
  IoBuffer output_;
  ClientEndpoint client_;
  Nghttp2SessionPtr codec_;
  EventPtr send_event_;  // activated by schedule_send
  EventPtr timer_;       // the drain's grace before the final GOAWAY
  std::unordered_map<int32_t, std::unique_ptr<Http2Stream>> streams_;
  std::vector<int32_t> drained_;  // streams to tell, once nghttp2 has returned
  FrameBudget resets_;
  FrameBudget control_frames_;
  bool send_scheduled_ = false;
  bool handling_io_ = false;  // inside an I/O handler, which sends before it returns
  bool draining_ = false;
  bool final_goaway_sent_ = false;
  bool calmed_down_ = false;  // GOAWAY ENHANCE_YOUR_CALM submitted
  bool idle_timeout_on_ = false;
  bool reading_paused_ = false;  // the client does not read what it asked for: neither do we
  bool closing_ = false;         // nothing more is read; the output drains, then the socket closes
  bool closed_ = false;
};

}  // namespace relay7
