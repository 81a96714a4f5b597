#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "relay7/config/config.h"
#include "relay7/http/message_parser.h"
#include "relay7/transport/io_buffer.h"
#include "relay7/transport/transport.h"

namespace relay7 {

class ConnectionPool;

// Why an attempt on a backend failed, as the retry policy and the logs (and later the metrics)
// need to tell them apart.
enum class UpstreamFailureKind {
  connect,           // the connection could not be made (refused, unreachable, connect timeout)
  timeout,           // no progress sending the request or reading the response in time
  reset,             // the connection broke (an error, or the backend closed it early)
  invalid_response,  // bytes that are not an acceptable HTTP/1 response
};

struct UpstreamFailure {
  UpstreamFailureKind kind;
  // Whether any byte of a response arrived: a failure before one, on a connection that had
  // served before, is most likely the backend closing it while idle.
  bool response_byte_seen = false;
  // Whether the connection was established, so that request bytes may have reached the server.
  bool connected = false;
  std::string_view detail;  // for the log; borrowed for the call
};

// What follows a response head, as the exchange decides it.
enum class ResponseBody {
  parse,    // chunked or close-delimited: parsed, delivered in pieces
  raw,      // Content-Length: moved as it is, never parsed
  none,     // HEAD, 1xx, 204, 304: nothing, whatever the head says
  upgrade,  // a 101 the client asked for: the connection becomes a tunnel
  reject,   // refused: the attempt fails as an invalid response
  abandon,  // the exchange gives this attempt up (a status it retries elsewhere): stop here
};

// The exchange using an upstream connection, as the connection reports to it.
class ClientSessionHandler {
 public:
  // The head of a response: interim (1xx), 101, or final.
  virtual ResponseBody on_response_head(MessageHead& head, const BodyFraming& framing) = 0;
  virtual void on_response_body(std::string_view bytes) = 0;
  virtual void on_response_body(IoBuffer& input, size_t length) = 0;
  // The response is complete (for an interim one: its head was). Called outside the parser, so
  // the handler may give the connection back or drop it.
  virtual void on_response_complete(const HeaderList& trailers) = 0;
  // The backend switched protocols: the connection now belongs to a tunnel.
  virtual void on_switched_protocols() = 0;
  // Parsing stopped after on_response_head answered abandon; called outside the parser.
  virtual void on_response_abandoned() = 0;
  virtual void on_upstream_failure(const UpstreamFailure& failure) = 0;
  // The connection has room for more request body.
  virtual void on_request_body_drained() = 0;
  // The client side holds as much response as relay7 buffers: stop reading the backend.
  virtual bool response_backlogged() const = 0;
  // Everything read from the backend so far was handed over and the response goes on: what the
  // client side held back (a head waiting for its body) should leave now.
  virtual void on_input_drained() = 0;

 protected:
  ~ClientSessionHandler() = default;
};

struct UpstreamTimeouts {
  Duration connect;
  Duration send;
  Duration read;
};

// One HTTP/1.1 connection to a backend server (the upstream side): it sends a request (the head,
// then the body as the client streams it), parses the response and hands it to its handler, with
// backpressure both ways. While no exchange uses it, its pool keeps it idle and watches it for
// the backend closing it. Content-Length bodies skip the parser: whole blocks move from this
// connection's input to the client's output.
class Http1ClientSession final : private TransportOwner, private MessageParser::Handler {
 public:
  // `connecting`: the transport's connect is still under way.
  Http1ClientSession(ConnectionPool& pool, std::unique_ptr<Transport> transport, BlockPool& blocks,
                     const ParserLimits& limits, bool connecting);
  ~Http1ClientSession();
  Http1ClientSession(const Http1ClientSession&) = delete;
  Http1ClientSession& operator=(const Http1ClientSession&) = delete;

  ConnectionPool& pool() const { return pool_; }
  // True once the connection has carried a response: see UpstreamFailure::response_byte_seen.
  bool reused() const { return reused_; }

  // Starts an exchange on this connection: `head` (the serialised request head and whatever body
  // an earlier attempt sent) goes out first; the request is complete when `request_complete`.
  void begin(ClientSessionHandler& handler, const UpstreamTimeouts& timeouts,
             const IoBuffer& head_and_body, bool request_complete);
  void send(std::string_view bytes);
  // The request is fully queued: the read timeout runs from now on.
  void finish_request();
  bool output_backlogged() const;
  // The client side drained: read the backend again.
  void resume_reading();
  // Whether the connection may carry another request, once its response completed.
  bool reusable() const;

  // The pool's side: the connection waits for its next exchange; data or its end while idle
  // makes the pool drop it.
  void idle();
  // A tunnel takes the socket and what the backend sent after its 101.
  std::unique_ptr<Transport> take_transport();
  IoBuffer take_input();

 private:
  enum class Stage {
    idle,         // in the pool
    connecting,   // a new connection's connect is under way
    sending,      // the request is being sent; no response yet
    awaiting,     // the request is sent; waiting for the response head
    relaying,     // a response is arriving
    length_body,  // a Content-Length body is arriving, moved without the parser
    complete,     // the response is complete
    failed,       // an attempt failed here: the connection is never reused
    abandoned,    // the exchange gave the attempt up after the response head
    switched,     // a 101 was accepted: a tunnel owns the connection
  };

  friend class ConnectionPool;  // keeps its place in the idle list and its idle time here

  void on_transport_event(Transport& transport, TransportEvent event) override;
  AfterHead on_head(MessageHead& head, const BodyFraming& framing) override;
  void on_body(const char* data, size_t length) override;
  bool on_message_end() override;

  void on_connected();
  void on_readable();
  void on_idle_event(TransportEvent event);
  void flush(bool in_event);
  bool receiving() const;
  void process_input();
  bool move_length_body();
  bool feed_parser();
  void conclude_at_end_of_stream();
  void fail(UpstreamFailureKind kind, std::string_view detail);
  void complete();
  void apply_read_timeout();

  ConnectionPool& pool_;
  std::unique_ptr<Transport> transport_;
  IoBuffer input_;
  IoBuffer output_;
  MessageParser parser_;
  ClientSessionHandler* handler_ = nullptr;
  UpstreamTimeouts timeouts_{};
  Stage stage_ = Stage::idle;
  bool reused_ = false;
  bool request_complete_ = false;
  bool response_byte_seen_ = false;
  bool end_of_stream_ = false;
  bool reading_suspended_ = false;
  bool keep_alive_ = false;     // the backend's intent for this response
  bool message_ended_ = false;  // set by the parser callback, acted on after it returns
  bool read_until_close_ = false;
  uint64_t body_remaining_ = 0;  // of a Content-Length body
  int64_t idle_since_ms_ = 0;    // the pool's, while idle
};

}  // namespace relay7
