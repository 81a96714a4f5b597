#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "relay7/event/handles.h"
#include "relay7/http/header_list.h"
#include "relay7/http2/request_head.h"
#include "relay7/http2/response_fields.h"
#include "relay7/http2/stream_tunnel.h"
#include "relay7/pipeline/downstream.h"
#include "relay7/pipeline/exchange.h"
#include "relay7/pipeline/request_state.h"
#include "relay7/transport/connection_set.h"
#include "relay7/transport/io_buffer.h"

namespace relay7 {

class Http2ServerSession;

// One HTTP/2 stream: one request through the same pipeline as an HTTP/1 request
// (pipeline/exchange.h), with the stream as its Downstream. It keeps what the pipeline borrows
// for the request's life (head, request state, trailers) and the response body nghttp2 has not
// framed yet.
//
// Flow control follows the backend: request DATA is acknowledged to the client (WINDOW_UPDATE)
// only once the upstream side has taken it without backlog, so a slow backend holds its stream
// to one window while the connection's other streams go on; response bytes wait here, and the
// backend is read again when nghttp2 has framed them below the watermark.
//
// After an extended CONNECT for WebSocket (RFC 8441) that the backend accepted with 101, the
// stream answers 200 and carries the WebSocket's bytes both ways (http2/stream_tunnel.h).
//
// The session owns streams and retires them (ConnectionSet::retire_later) when nghttp2 closes
// them, so a stream the pipeline is still inside is never destroyed under it.
class Http2Stream final : public Retirable, private Downstream, private StreamTunnelOwner {
 public:
  Http2Stream(Http2ServerSession& session, int32_t id);
  ~Http2Stream() override;
  Http2Stream(const Http2Stream&) = delete;
  Http2Stream& operator=(const Http2Stream&) = delete;

  int32_t id() const { return id_; }

  // Events from the client, relayed by the session from nghttp2's callbacks.
  void on_field(std::string_view name, std::string_view value);
  void on_trailer(std::string_view name, std::string_view value);
  void on_head_complete(bool end_stream);
  void on_body(std::string_view bytes);
  void on_request_end();
  // nghttp2 has closed the stream (ended both ways, reset, or the connection is going).
  void on_closed();
  // Whether the client's END_STREAM has come: a response that ends first is followed by
  // RST_STREAM NO_ERROR, so the client stops sending a body nobody reads (RFC 9113 section 8.1).
  bool request_ended() const { return request_ended_; }

  // nghttp2's data source: frames up to `length` bytes of the response body into `into`.
  ssize_t read_body(uint8_t* into, size_t length, uint32_t* flags);
  // The response body fell below the watermark while being framed: the backend may be read
  // again. Called by the session outside nghttp2's calls.
  void on_drained();
  bool wants_drain_notice() const { return drain_notice_; }

 private:
  // The pipeline's side (Downstream).
  void send_interim(const ResponseHead& head) override;
  void start_response(const ResponseHead& head) override;
  void send_body(std::string_view bytes) override;
  void send_body(IoBuffer& from, size_t length) override;
  void flush_response() override;
  void end_response(const HeaderList& trailers) override;
  void abort_response() override;
  bool response_backlogged() const override;
  void pause_request_body() override;
  void resume_request_body() override;
  void switch_to_tunnel(std::unique_ptr<Transport> upstream, IoBuffer upstream_input) override;

  // After a WebSocket extended CONNECT was answered 101 (StreamTunnelOwner).
  void on_tunnel_data() override;
  void on_tunnel_end(bool clean) override;
  void on_tunnel_written(size_t length) override;

  // timeouts.client_body between DATA frames of a request body, as for HTTP/1: a client that
  // stops sending would otherwise hold its stream and the backend connection behind it.
  void arm_body_timer();
  static void on_body_timeout(evutil_socket_t, short, void* self);

  void answer_unparsed(int status);
  void refuse_body(int status);
  // Acknowledges request bytes to the client, now or once the backend has taken them.
  void acknowledge(size_t length);
  void body_bytes_arrived();
  bool exchange_running() const;

  Http2ServerSession& session_;
  const int32_t id_;
  Http2RequestHead request_;
  HeaderList trailers_;
  RequestState state_;
  std::unique_ptr<Exchange> exchange_;
  EventPtr body_timer_;  // made for a request with a body
  Http2ResponseFields fields_;
  IoBuffer body_;                              // response bytes nghttp2 has not framed yet
  std::unique_ptr<Http2StreamTunnel> tunnel_;  // refers to body_, so it goes first
  HeaderList response_trailers_;
  size_t unacknowledged_ = 0;  // request bytes the backend has not taken yet
  bool request_paused_ = false;
  bool request_ended_ = false;
  bool response_started_ = false;
  bool response_ended_ = false;  // the pipeline has queued all of it
  bool data_deferred_ = false;   // nghttp2 waits for resume_data
  bool drain_notice_ = false;    // backlogged, then framed below the watermark
  bool closed_ = false;
};

}  // namespace relay7
