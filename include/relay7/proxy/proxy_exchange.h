#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "relay7/event/handles.h"
#include "relay7/http/message_parser.h"
#include "relay7/proxy/client_response.h"
#include "relay7/proxy/connection_set.h"
#include "relay7/proxy/upstream_attempts.h"
#include "relay7/proxy/upstream_request.h"
#include "relay7/upstream/connection_pool.h"

namespace relay7 {

class ProxyContext;

// The client side of an exchange, as the exchange sees it.
class ExchangeOwner {
 public:
  virtual ~ExchangeOwner() = default;
  virtual bufferevent* client_bev() = 0;
  // The whole response is queued on the client connection.
  virtual void on_response_complete(bool keep_alive) = 0;
  // The exchange failed before any response byte reached the client: answer `status` instead.
  virtual void on_exchange_failed(int status) = 0;
  // The exchange failed after the response head was sent: the client connection must close.
  virtual void on_exchange_aborted() = 0;
  // The upstream switched protocols and the 101 is queued: the rest is a byte tunnel.
  virtual void on_upgraded(std::unique_ptr<UpstreamConnection> upstream) = 0;
  // The upstream connection has room for more request body.
  virtual void on_request_body_drained() = 0;
};

struct ExchangeRequest {
  std::string head;  // serialised by build_upstream_request_head
  RequestBodyMode body_mode = RequestBodyMode::none;
  bool head_method = false;
  bool upgrade = false;
  bool client_http11 = true;
  bool client_keep_alive = true;
  // The request may go to another server after its bytes reached one that then failed: its
  // method is idempotent, or its location allows it.
  bool retry_after_send = false;
};

// One request proxied upstream: sends the request (head, then the body as the client streams
// it), parses the response and streams it to the client with backpressure both ways.
//
// Failures before any response byte reached the client are retried, replaying what was sent:
// a pooled connection the backend closed while idle on a fresh connection to the same server (so
// a backend's idle timeout never fails a request); any other failure on the next server that
// `attempts` allows, when that is safe (nothing was sent yet, or retry_after_send). Each failure
// of a server counts towards its passive health.
class ProxyExchange final : public Retirable, private MessageParser::Handler {
 public:
  ProxyExchange(ProxyContext& context, ExchangeOwner& owner, UpstreamAttempts& attempts,
                ExchangeRequest request);
  ~ProxyExchange() override;

  // Starts the first attempt on `server`. Returns false when not even a socket could be made
  // for it or for any server tried after it (the owner answers 502).
  bool start(size_t server);
  void send_body(const char* data, size_t length);
  // The body is complete; a chunked one ends with the client's forwardable `trailers`.
  void end_body(const HeaderList& trailers);
  // True while the upstream has more unsent request body than relay7 buffers.
  bool body_backlogged() const;
  // Whether any of the response has been queued for the client.
  bool response_started() const { return head_sent_to_client_; }
  // The client connection's output has drained: resume reading the response.
  void on_client_output_drained();
  // The client is gone: drop the upstream connection (it may be mid-response).
  void abort();

  const std::string& upstream_address() const { return pool_->address_text(); }
  int response_status() const { return response_status_; }
  uint64_t response_body_bytes() const { return response_body_bytes_; }

 private:
  static void on_upstream_read(bufferevent* bev, void* context);
  static void on_upstream_write(bufferevent* bev, void* context);
  static void on_upstream_event(bufferevent* bev, short events, void* context);

  bool connect_to(size_t server);
  void attach(std::unique_ptr<UpstreamConnection> connection);
  void send_request_so_far();
  void add_body_sent_so_far(evbuffer* output);
  void apply_timeouts();
  void write_upstream(const char* data, size_t length);
  bool client_backlogged() const;
  void process_response_input();
  void relay_response_input();
  void move_length_body(evbuffer* input);
  void feed_response_parser(evbuffer* input);
  void conclude_at_eof();
  void handle_upstream_failure(short events);
  // A failure of the server before the response head reached the client; `status` is what the
  // client gets when no retry is possible.
  void fail_attempt(int status);
  bool retry_on_fresh_connection();
  std::optional<size_t> next_server_if_safe();
  bool retry_on_next_server();
  bool move_to(std::optional<size_t> next);
  void reset_for_retry();
  void end_attempt();
  std::string_view sticky_cookie_to_set() const;
  void complete_response();
  void give_up(int status);
  void hand_over_to_tunnel();
  void suspend_upstream_reads();
  void detach_upstream();

  AfterHead on_head(MessageHead& head, const BodyFraming& framing) override;
  void on_body(const char* data, size_t length) override;
  bool on_message_end() override;
  AfterHead start_final_response(MessageHead& head, const BodyFraming& framing);
  void write_client(const char* data, size_t length);

  ProxyContext& context_;
  ExchangeOwner& owner_;
  UpstreamAttempts& attempts_;
  UpstreamRuntime& upstream_group_;
  ExchangeRequest request_;
  size_t server_ = 0;
  ConnectionPool* pool_ = nullptr;
  std::unique_ptr<UpstreamConnection> upstream_;
  MessageParser response_parser_;
  // The request body as sent so far (framed), kept for replaying it on a retry until it outgrows
  // the replay bound; allocated only for requests that have a body.
  EvBufferPtr body_sent_;
  bool replayable_ = true;
  // Set by on_head when the status counts as the server's failure: the next server to try.
  std::optional<size_t> status_retry_;
  uint32_t connections_used_ = 0;  // counts the connections this exchange has attached
  std::string scratch_;

  bool request_complete_ = false;
  bool connected_ = false;
  bool upstream_eof_ = false;
  bool in_length_body_ = false;
  bool response_byte_seen_ = false;
  bool head_sent_to_client_ = false;
  bool interim_response_ = false;
  bool message_ended_ = false;
  bool finished_ = false;
  bool attempt_open_ = false;
  bool client_bytes_sent_ = false;
  bool upstream_keep_alive_ = false;
  bool client_keep_alive_ = false;
  bool reading_suspended_ = false;
  ResponseBodyMode body_mode_ = ResponseBodyMode::none;
  uint64_t body_remaining_ = 0;
  int response_status_ = 0;
  uint64_t response_body_bytes_ = 0;
};

}  // namespace relay7
