#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "relay7/http/message_parser.h"
#include "relay7/http/request_target.h"
#include "relay7/net/socket_address.h"
#include "relay7/pipeline/downstream.h"
#include "relay7/pipeline/request_state.h"
#include "relay7/pipeline/template_expansion.h"
#include "relay7/pipeline/upstream_exchange.h"
#include "relay7/routing/route_table.h"
#include "relay7/transport/connection_set.h"

namespace relay7 {

class ProxyContext;

// The connection a request arrived on.
struct ClientEndpoint {
  SocketAddress peer;
  std::string peer_ip;  // the peer's address without the port, for forwarded headers and logs
  size_t listener_index = 0;
};

// How the client frames the request body.
enum class RequestBodyKind {
  none,
  length,  // Content-Length
  stream,  // chunked (HTTP/1.1), or a stream of frames
};

// A request as a session hands it to the pipeline.
struct RequestInfo {
  // The session's parsed head: it stays as it is until the exchange has ended.
  const MessageHead* head = nullptr;
  RequestBodyKind body = RequestBodyKind::none;
  uint64_t content_length = 0;
  bool upgrade = false;  // asks to switch protocols (and carries no body)
  bool http2 = false;    // a stream of an HTTP/2 connection
  std::chrono::steady_clock::time_point started;
};

// One request through the pipeline, whatever protocol the client speaks. Its stages run in this
// order and live in this order below: validate (the checks llhttp leaves to us) -> normalise (the
// target and Host) -> route (server block, encoded slashes, location) -> a local answer
// (`return`, errors) or the upstream exchange (balancer, retries, replay, response relay) -> the
// access log line once the response has ended.
//
// The session keeps the exchange until the response has ended (Downstream::end_response or
// abort_response), then retires it.
class Exchange final : public Retirable, private UpstreamExchangeOwner {
 public:
  enum class Phase {
    routing,   // before start() has decided
    proxying,  // the upstream exchange runs
    finished,  // answered (locally or by the backend), aborted, or handed to a tunnel
  };

  // `state` is the session's, reused from request to request.
  Exchange(ProxyContext& context, Downstream& downstream, const ClientEndpoint& client,
           RequestState& state, const RequestInfo& request);
  ~Exchange() override;
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  void start();
  // False when the body outgrew max_body_size: nothing of it goes on, and the session, once out
  // of its parser, calls refuse_body(413).
  bool on_request_body(std::string_view bytes);
  void on_request_end(const HeaderList& trailers);
  // Ends a request whose body broke (400) or outgrew its limit (413) after its head may have gone
  // upstream: the client gets `status` unless the response has begun, in which case it is cut.
  void refuse_body(int status);
  bool request_body_backlogged() const;
  void on_downstream_drained();
  // The client is gone: drop the upstream side.
  void on_downstream_gone();
  Phase phase() const { return phase_; }

  // relay7's answer to bytes a session could not make a request of (400, 408, 414, 431, 505),
  // logged with whatever of the head was parsed.
  static void answer_unparsed(ProxyContext& context, Downstream& downstream,
                              const ClientEndpoint& client, const MessageHead& head, int status,
                              std::chrono::steady_clock::time_point started);

 private:
  void on_upstream_complete(const HeaderList& trailers) override;
  void on_upstream_failed(int status) override;
  void on_upstream_aborted() override;
  void on_upstream_switched(std::unique_ptr<Transport> upstream, IoBuffer input) override;

  int validate();
  void find_client_address();
  void assign_request_id();
  const Location* route();
  bool encoded_slashes_change_nothing(const VirtualServer& server, const Location* location);
  void answer_configured(const LocalResponseAction& action);
  void answer_served(const ServeAction& action);  // serve_answer.cpp
  TemplateValues template_values() const;
  const ResponseFieldEdits* response_edits();
  void proxy(const Location& location, const ProxyAction& action);
  std::string_view host_to_forward() const;
  std::string_view hash_key(const UpstreamConfig& upstream) const;
  std::optional<size_t> sticky_server(const UpstreamRuntime& upstream) const;
  void answer_locally(int status, bool close_connection, std::string_view location = {},
                      std::string_view body = {}, std::string_view upstream = "-");
  void log(int status, uint64_t body_bytes, std::string_view upstream) const;

  ProxyContext& context_;
  Downstream& downstream_;
  const ClientEndpoint& client_;
  RequestState& state_;
  RequestInfo request_;
  Phase phase_ = Phase::routing;
  bool asterisk_form_ = false;  // "OPTIONS *"
  // Who the request is from: the peer, or the address real_ip found (owned by state_).
  std::string_view client_ip_;
  std::string_view client_bytes_;
  // The header rules in force: the defaults until a server block or a location is chosen.
  const HeaderRuleSet* rules_;
  uint64_t body_limit_ = 0;  // the matched location's max_body_size; 0: none
  uint64_t body_received_ = 0;
  std::optional<UpstreamExchange> upstream_;
};

}  // namespace relay7
