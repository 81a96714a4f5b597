#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "relay7/event/handles.h"
#include "relay7/http/message_parser.h"
#include "relay7/proxy/client_response.h"
#include "relay7/proxy/connection_set.h"
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
};

// One request proxied to one upstream server: sends the request (head, then the body as the
// client streams it), parses the response and streams it to the client with backpressure both
// ways. A pooled connection that turns out dead before any response byte is retried once on a
// fresh connection, replaying what was sent, so a backend's idle timeout never fails a request.
class ProxyExchange final : public Retirable, private MessageParser::Handler {
 public:
  ProxyExchange(ProxyContext& context, ExchangeOwner& owner, ConnectionPool& pool,
                ExchangeRequest request);
  ~ProxyExchange() override;

  // Returns false when no connection could even be started (the owner answers 502).
  bool start();
  void send_body(const char* data, size_t length);
  void end_body();
  // True while the upstream has more unsent request body than relay7 buffers.
  bool body_backlogged() const;
  // Whether any of the response has been queued for the client.
  bool response_started() const { return head_sent_to_client_; }
  // The client connection's output has drained: resume reading the response.
  void on_client_output_drained();
  // The client is gone: drop the upstream connection (it may be mid-response).
  void abort();

  const std::string& upstream_address() const { return pool_.address_text(); }
  int response_status() const { return response_status_; }
  uint64_t response_body_bytes() const { return response_body_bytes_; }

 private:
  static void on_upstream_read(bufferevent* bev, void* context);
  static void on_upstream_write(bufferevent* bev, void* context);
  static void on_upstream_event(bufferevent* bev, short events, void* context);

  void attach(std::unique_ptr<UpstreamConnection> connection);
  void apply_timeouts();
  void write_upstream(const char* data, size_t length);
  bool client_backlogged() const;
  void process_response_input();
  void move_length_body(evbuffer* input);
  void feed_response_parser(evbuffer* input);
  void conclude_at_eof();
  void handle_upstream_failure(short events);
  bool retry_on_fresh_connection();
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
  ConnectionPool& pool_;
  ExchangeRequest request_;
  std::unique_ptr<UpstreamConnection> upstream_;
  MessageParser response_parser_;
  EvBufferPtr replay_;  // what was sent on a reused connection, until the first response byte
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
  bool upstream_keep_alive_ = false;
  bool client_keep_alive_ = false;
  bool reading_suspended_ = false;
  ResponseBodyMode body_mode_ = ResponseBodyMode::none;
  uint64_t body_remaining_ = 0;
  int response_status_ = 0;
  uint64_t response_body_bytes_ = 0;
};

}  // namespace relay7
