#pragma once

#include <event2/util.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "demo/controls.h"
#include "demo/event_handles.h"
#include "demo/request_log.h"
#include "demo/request_parser.h"
#include "demo/response_builder.h"

namespace relay7::demo {

struct ServerContext {
  event_base* base = nullptr;
  std::string name;
  uint16_t port = 0;
  RequestLog* log = nullptr;
};

// One client connection: parses requests one at a time and answers each according to its
// controls. Never deletes itself: close() hands it to `retire`, which frees it outside any of
// its own callbacks.
class Connection {
 public:
  using RetireFn = std::function<void()>;

  // Takes ownership of `fd` (it is closed even when construction fails).
  Connection(const ServerContext& context, evutil_socket_t fd, RetireFn retire);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

 private:
  enum class State {
    kReading,       // parsing the next request (or its body)
    kDelaying,      // delay_ms timer running before the answer
    kStreaming,     // generating a bytes=N body as the socket drains
    kWaitingDrain,  // too much output queued; resume parsing once it drains
    kTunnel,        // after 101: echo every byte
    kClosing,       // last response queued; close once it is flushed
    kLingering,     // write side shut; discarding input until EOF so the peer gets no RST
    kClosed,
  };

  static void on_read(bufferevent* bev, void* arg);
  static void on_write(bufferevent* bev, void* arg);
  static void on_event(bufferevent* bev, short what, void* arg);
  static void on_timer(evutil_socket_t fd, short what, void* arg);
  static void on_rate_tick(evutil_socket_t fd, short what, void* arg);
  template <typename Fn>
  static void guarded(void* arg, Fn&& fn) noexcept;

  void handle_readable();
  void handle_writable();
  void handle_event(short what);
  void handle_timer();
  void handle_rate_tick();

  void process_input();
  void handle_parse_event(ParseEvent event);
  void begin_request();
  void end_request();
  void respond();
  void respond_special();
  void respond_error(int status, std::string_view message);
  void start_stream(uint64_t length, bool chunked);
  void refill_stream();
  void start_tunnel();
  void echo_input();
  void finish_response();
  void handle_peer_gone();
  void start_closing();
  void start_lingering();
  void close() noexcept;

  void start_rate_limit(uint64_t bytes_per_second);
  void stop_rate_limit();
  void arm_timer(uint64_t milliseconds);

  void write(std::string_view bytes);
  evbuffer* input() const;
  evbuffer* output() const;
  size_t output_length() const;

  ServerContext context_;
  RetireFn retire_;
  BufferEventPtr bev_;
  EventPtr timer_;
  EventPtr rate_timer_;
  RequestParser parser_;
  Controls controls_;
  State state_ = State::kReading;
  bool feed_pending_ = false;
  bool special_path_ = false;
  bool close_after_response_ = false;
  bool peer_eof_ = false;
  bool rate_limited_ = false;
  size_t budget_ = 0;
  size_t budget_per_tick_ = 0;
  uint64_t stream_remaining_ = 0;
  bool stream_chunked_ = false;
  std::string stream_last_chunk_;  // with the trailer section, for a chunked stream
  bool tunnel_read_paused_ = false;
};

}  // namespace relay7::demo
