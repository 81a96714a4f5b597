#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "relay7/event/handles.h"
#include "relay7/http/message_parser.h"
#include "relay7/http1/response_head.h"
#include "relay7/metrics/metric_slots.h"
#include "relay7/net/socket_address.h"
#include "relay7/pipeline/downstream.h"
#include "relay7/pipeline/exchange.h"
#include "relay7/pipeline/upstream_attempts.h"
#include "relay7/transport/connection_set.h"
#include "relay7/transport/io_buffer.h"
#include "relay7/transport/transport.h"

namespace relay7 {

class ProxyContext;

// The HTTP/1 server session: one client connection speaking HTTP/1.x. It turns bytes into
// requests for the pipeline (pipeline/exchange.h) and the pipeline's responses into bytes, and
// owns what is HTTP/1's alone: one request at a time (pipelined ones wait in the input, so
// responses go out in order), keep-alive, Connection and framing of responses, the client
// timeouts, parking an idle connection, and the switch to a tunnel after a 101. The phases follow
// one request: wait, head, body, response.
class Http1ServerSession final : public ManagedConnection,
                                 private TransportOwner,
                                 private MessageParser::Handler,
                                 private Downstream {
 public:
  Http1ServerSession(ProxyContext& context, std::unique_ptr<Transport> transport,
                     const SocketAddress& peer, size_t listener_index);
  ~Http1ServerSession() override;

  // Serves a connected client (accepted, or parked until now): adds the session to the worker's
  // set and starts reading. Throws std::bad_alloc; the transport closes then.
  static void open(ProxyContext& context, std::unique_ptr<Transport> transport,
                   const SocketAddress& peer, size_t listener_index);

  void begin_drain() override;

 private:
  enum class Phase { waiting, head, body, awaiting_response, closing };
  void set_gauge_state(ConnectionState state);

  void start();

  // Reading and parsing.
  void on_transport_event(Transport& transport, TransportEvent event) override;
  void on_readable();
  bool read_more(size_t room);
  void on_writable();
  void process_input();
  void consume_input();
  bool feed_parser();
  bool after_pause();
  void dispatch();
  void reject_unparsable_request();
  void refuse_request_body(int status);
  AfterHead on_head(MessageHead& head, const BodyFraming& framing) override;
  void on_body(const char* data, size_t length) override;
  bool on_message_end() override;

  // The pipeline's side (Downstream).
  void send_interim(const ResponseHead& head) override;
  void start_response(const ResponseHead& head) override;
  void flush_response() override;
  void send_body(std::string_view bytes) override;
  void send_body(IoBuffer& from, size_t length) override;
  void end_response(const HeaderList& trailers) override;
  void abort_response() override;
  bool response_backlogged() const override;
  void pause_request_body() override;
  void resume_request_body() override;
  void switch_to_tunnel(std::unique_ptr<Transport> upstream, IoBuffer upstream_input) override;
  void switch_to_http2();

  // Between requests.
  void finish_request(bool keep_alive);
  void wait_for_next_request();
  // Waits up to `limit` for a request's first byte, parking the connection meanwhile.
  void wait_for_request(Duration limit);
  static void on_timer(evutil_socket_t fd, short events, void* context);
  void on_wait_timer();
  bool park(Duration wait);

  // Writing and closing.
  void flush();
  void close_after_flush();
  void close_now();
  void arm_timer(Duration duration);
  void watch_body_reads();
  void resume_reading_if_room();

  ProxyContext& context_;
  std::unique_ptr<Transport> transport_;
  IoBuffer input_;
  IoBuffer output_;
  ClientEndpoint client_;
  MessageParser parser_;
  EventPtr timer_;
  Phase phase_ = Phase::waiting;
  Duration wait_limit_{};  // how long the current wait for a request may last in all
  bool draining_ = false;
  bool peer_closed_ = false;
  bool processing_input_ = false;
  bool write_failed_ = false;  // seen outside an event: the write event reports it
  bool header_timer_armed_ = false;
  // relay7_connections{state}: idle while waiting for a request, else active. A byte beside the
  // flags rather than a ConnectionGauge: every idle connection pays for each byte here.
  ConnectionState gauge_state_ = ConnectionState::idle;

  // The request in progress.
  BodyFraming framing_;
  bool head_ready_ = false;        // set by the parser, acted on once it returns
  bool request_complete_ = false;  // its last byte was parsed
  bool end_delivered_ = false;     // ... and the pipeline was told
  bool body_refused_ = false;      // over max_body_size: the rest of the body is ignored
  bool upgrade_requested_ = false;
  bool reading_paused_ = false;  // the backend's input is full (pause_request_body)
  std::chrono::steady_clock::time_point request_start_;
  RequestState request_state_;
  std::unique_ptr<Exchange> exchange_;

  // The response in progress.
  ResponseBodyMode body_mode_ = ResponseBodyMode::none;
  bool response_keep_alive_ = false;
};

}  // namespace relay7
