#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "relay7/http1/client_session.h"
#include "relay7/http1/upstream_request_head.h"
#include "relay7/metrics/metric_slots.h"
#include "relay7/pipeline/downstream.h"
#include "relay7/pipeline/replay_buffer.h"
#include "relay7/pipeline/upstream_attempts.h"

namespace relay7 {

class ProxyContext;

// What the upstream exchange needs to know about the request beyond its serialised head.
struct UpstreamRequestPlan {
  RequestBodyMode body_mode = RequestBodyMode::none;
  bool head_method = false;  // HEAD: the response has no body whatever its head says
  bool upgrade = false;      // the client asked to switch protocols
  // The request may go to another server after its bytes reached one that then failed: its
  // method is idempotent, or its location allows it.
  bool retry_after_send = false;
  // The response header rules' edits (the exchange's, for its lifetime); nullptr: none.
  const ResponseFieldEdits* response_edits = nullptr;
  size_t upstream_index = 0;  // index into Config::upstreams, for the metrics
};

// The request side of the pipeline, as the upstream exchange reports to it.
class UpstreamExchangeOwner {
 public:
  // The response is complete; `trailers` still have to reach the client.
  virtual void on_upstream_complete(const HeaderList& trailers) = 0;
  // Nothing of a response reached the client and no server is left to try: answer `status`.
  virtual void on_upstream_failed(int status) = 0;
  // The response was cut after its head reached the client.
  virtual void on_upstream_aborted() = 0;
  // The backend switched protocols (its 101 is queued for the client): the rest is a tunnel.
  virtual void on_upstream_switched(std::unique_ptr<Transport> upstream, IoBuffer input) = 0;

 protected:
  ~UpstreamExchangeOwner() = default;
};

// One request sent upstream and its response relayed to the client, with backpressure both
// ways: the balancer's choice, the attempts on one server after another, the replay of what was
// sent, passive health, and the relay of the response head and body to the Downstream.
//
// An attempt that fails before any of its response reached the client is retried: on a fresh
// connection to the same server when a pooled connection turned out closed (a backend's idle
// timeout must never fail a request; not the server's failure), else on the next server the
// attempts allow, when that is safe (no request byte reached the failed server, or the request
// may be repeated, and what was sent is still in the replay buffer).
class UpstreamExchange final : private ClientSessionHandler {
 public:
  enum class State {
    attempting,  // an attempt is under way; nothing of its response reached the client yet
    relaying,    // the response head reached the client; its body is streaming
    finished,    // complete, given up, aborted, or switched to a tunnel
  };

  // `attempts` and `replay` are the request's (RequestState), reused from request to request;
  // `replay` holds the serialised head.
  UpstreamExchange(ProxyContext& context, UpstreamExchangeOwner& owner, Downstream& downstream,
                   UpstreamAttempts& attempts, ReplayBuffer& replay,
                   const UpstreamRequestPlan& plan);
  ~UpstreamExchange();
  UpstreamExchange(const UpstreamExchange&) = delete;
  UpstreamExchange& operator=(const UpstreamExchange&) = delete;

  // Starts the first attempt on `server`. False when not even a socket could be made for it or
  // for any server tried after it (the owner answers 502).
  bool start(size_t server);
  void send_body(std::string_view bytes);
  // The body is complete; a chunked one ends with the client's forwardable `trailers`.
  void end_body(const HeaderList& trailers);
  // True while the upstream has more unsent request body than relay7 buffers.
  bool body_backlogged() const;
  void on_downstream_drained();
  // The client is gone, or its request broke: drop the upstream connection (mid-response maybe).
  void abort();

  State state() const { return state_; }
  bool response_started() const { return state_ == State::relaying || response_sent_; }
  int response_status() const { return response_status_; }
  uint64_t response_body_bytes() const { return response_body_bytes_; }
  const std::string& upstream_address() const;
  // Seconds since the last attempt began connecting to its server ($upstream_response_time).
  double attempt_seconds() const;

 private:
  ResponseBody on_response_head(MessageHead& head, const BodyFraming& framing) override;
  void on_response_body(std::string_view bytes) override;
  void on_response_body(IoBuffer& input, size_t length) override;
  void on_response_complete(const HeaderList& trailers) override;
  void on_switched_protocols() override;
  void on_response_abandoned() override;
  void on_upstream_failure(const UpstreamFailure& failure) override;
  void on_request_body_drained() override;
  bool response_backlogged() const override;
  void on_input_drained() override;

  ResponseBody start_final_response(MessageHead& head, const BodyFraming& framing);
  bool connect_to(size_t server);
  void begin_on(std::unique_ptr<Http1ClientSession> session);
  void log_failure(const UpstreamFailure& failure) const;
  bool retry_on_fresh_connection(const UpstreamFailure& failure);
  std::optional<size_t> next_server_if_safe(bool request_may_have_arrived);
  bool move_to(std::optional<size_t> next);
  void give_up(int status);
  void end_attempt();
  void drop_session();
  void count_response(int status);
  void count_failure(size_t server, UpstreamFailureReason reason);
  std::string_view sticky_cookie_to_set() const;
  UpstreamTimeouts timeouts() const;

  ProxyContext& context_;
  UpstreamExchangeOwner& owner_;
  Downstream& downstream_;
  UpstreamAttempts& attempts_;
  UpstreamRuntime& group_;
  UpstreamRequestPlan plan_;
  ReplayBuffer& replay_;
  State state_ = State::attempting;
  size_t server_ = 0;
  ConnectionPool* pool_ = nullptr;
  std::unique_ptr<Http1ClientSession> session_;
  bool attempt_open_ = false;      // counted in the server's in-flight requests
  uint32_t attempts_started_ = 0;  // on any server; each after the first is a retry
  // When the current attempt began connecting: $upstream_response_time and the latency histogram.
  std::chrono::steady_clock::time_point attempt_started_;
  bool request_complete_ = false;
  bool response_sent_ = false;          // an interim response already went to the client
  std::optional<size_t> status_retry_;  // the next server, after a status counted as a failure
  // Why on_response_head refused a response, for the log line of the failure that follows
  // (llhttp only knows that a callback refused it). A string literal.
  const char* response_parser_refusal_ = nullptr;
  int response_status_ = 0;
  uint64_t response_body_bytes_ = 0;
  std::string scratch_;  // chunk framing of the request body
};

}  // namespace relay7
