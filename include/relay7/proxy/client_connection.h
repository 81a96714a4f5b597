#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "relay7/event/handles.h"
#include "relay7/event/socket_reader.h"
#include "relay7/http/message_parser.h"
#include "relay7/http/request_target.h"
#include "relay7/net/socket_address.h"
#include "relay7/net/unique_fd.h"
#include "relay7/proxy/connection_set.h"
#include "relay7/proxy/proxy_exchange.h"
#include "relay7/routing/route_table.h"

namespace relay7 {

class ProxyContext;

// One client connection speaking HTTP/1.x: reads requests one at a time (pipelined ones wait in
// the input buffer, so responses go out in order), routes each, and answers it locally or
// through a ProxyExchange. The phases follow one request: wait, head, body, response.
class ClientConnection final : public ManagedConnection,
                               private MessageParser::Handler,
                               private ExchangeOwner {
 public:
  ClientConnection(ProxyContext& context, BufferEventPtr bev, const SocketAddress& peer,
                   size_t listener_index);
  ~ClientConnection() override;

  // Serves a connected client socket (accepted, or parked until now): adds the connection to
  // the worker's set and starts reading. Throws std::bad_alloc; `fd` is closed then.
  static void open(ProxyContext& context, UniqueFd fd, const SocketAddress& peer,
                   size_t listener_index);

  void start();
  void begin_drain() override;

 private:
  enum class Phase { waiting, head, body, awaiting_response, closing };

  static void on_read(bufferevent* bev, void* context);
  static void on_write(bufferevent* bev, void* context);
  static void on_event(bufferevent* bev, short events, void* context);
  static void on_timer(evutil_socket_t fd, short events, void* context);

  void process_input();
  void consume_input();
  bool feed_parser();
  void reject_unparsable_request();
  // Ends a request whose body broke (malformed or over the limit) after its head went upstream.
  void abandon_request_body(int status);
  void after_pause();
  void dispatch();
  int validate_request();
  bool apply_encoded_slash_policy(EncodedSlashes policy);
  bool encoded_slashes_change_nothing(const VirtualServer& server, const Location* location);
  void proxy(const Location& location, const ProxyAction& action);
  std::string_view hash_key(const UpstreamConfig& upstream) const;
  std::optional<size_t> sticky_server(const UpstreamRuntime& upstream) const;
  void answer_locally(int status, std::string_view location = {}, std::string_view body = {},
                      std::string_view upstream = "-");
  void finish_request(int status, uint64_t body_bytes, std::string_view upstream, bool keep_alive);
  void wait_for_next_request();
  // Waits up to `limit` for a request's first byte, parking the connection meanwhile.
  void wait_for_request(Duration limit);
  void on_wait_timer();
  bool park(Duration wait);
  void close_after_flush();
  void close_now();
  void arm_timer(Duration duration);
  void set_read_timeout(const Duration* duration);
  void log_request(int status, uint64_t body_bytes, std::string_view upstream);
  std::string_view host_to_forward() const;

  AfterHead on_head(MessageHead& head, const BodyFraming& framing) override;
  void on_body(const char* data, size_t length) override;
  bool on_message_end() override;

  bufferevent* client_bev() override { return bev_.get(); }
  void on_response_complete(bool keep_alive) override;
  void on_exchange_failed(int status) override;
  void on_exchange_aborted() override;
  void on_upgraded(std::unique_ptr<UpstreamConnection> upstream) override;
  void on_request_body_drained() override;

  ProxyContext& context_;
  BufferEventPtr bev_;
  // Reads bev_'s socket in place of the bufferevent (see socket_reader.h); declared after bev_,
  // so it goes first. Empty once a tunnel took bev_.
  std::optional<SocketReader> reader_;
  SocketAddress peer_;
  std::string peer_ip_;
  size_t listener_index_;
  MessageParser parser_;
  EventPtr timer_;
  Phase phase_ = Phase::waiting;
  Duration wait_limit_{};  // how long the current wait for a request may last in all
  bool draining_ = false;
  bool peer_closed_ = false;
  bool processing_input_ = false;

  // The request in progress.
  BodyFraming framing_;
  bool head_ready_ = false;
  bool request_complete_ = false;
  bool upgrade_requested_ = false;
  bool keep_alive_ = false;
  uint64_t body_limit_ = 0;  // the matched location's max_body_size; 0: none
  uint64_t body_received_ = 0;
  bool body_too_large_ = false;
  RequestTarget target_;
  bool asterisk_form_ = false;  // "OPTIONS *"
  std::string host_;
  std::string upstream_path_;
  std::string decoded_path_;  // scratch for encoded_slashes_change_nothing
  UpstreamAttempts attempts_;
  std::unique_ptr<ProxyExchange> exchange_;
  std::chrono::steady_clock::time_point request_start_;
};

}  // namespace relay7
