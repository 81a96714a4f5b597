#include "relay7/pipeline/exchange.h"

#include <arpa/inet.h>
#include <spdlog/spdlog.h>

#include <variant>

#include "relay7/http/cookie.h"
#include "relay7/http/method.h"
#include "relay7/http/request_checks.h"
#include "relay7/http/status.h"
#include "relay7/pipeline/client_address.h"
#include "relay7/pipeline/proxy_context.h"
#include "relay7/pipeline/template_expansion.h"
#include "relay7/upstream/hash_key.h"

namespace relay7 {
namespace {

// The trailers of a response relay7 generates: none.
const HeaderList kNoTrailers;

std::string_view header_value(const HeaderList& headers, FieldName name) {
  const Header* header = headers.find(name);
  return header != nullptr ? std::string_view(header->value) : std::string_view();
}

// The text of relay7's own answer when the config gives none: one line naming the status.
std::string default_body(int status) {
  return std::to_string(status) + " " + std::string(reason_phrase(status)) + "\n";
}

void send_generated(Downstream& downstream, int status, bool head_request, bool close_connection,
                    std::string_view location, std::string_view body,
                    const ResponseFieldEdits* edits) {
  ResponseHead response;
  response.status = status;
  response.edits = edits;
  response.generated = true;
  response.location = location;
  response.close_connection = close_connection;
  std::string fallback;
  if (!status_has_no_body(status)) {
    if (body.empty()) {
      fallback = default_body(status);
      body = fallback;
    }
    response.content_length = body.size();
  }
  response.bodiless = head_request || status_has_no_body(status);
  downstream.start_response(response);
  if (!response.bodiless) {
    downstream.send_body(body);
  }
}

uint64_t generated_body_bytes(int status, bool head_request, std::string_view body) {
  if (head_request || status_has_no_body(status)) {
    return 0;
  }
  return body.empty() ? default_body(status).size() : body.size();
}

// Completes `entry` with the request's time and writes it.
void write_log(ProxyContext& context, AccessLogEntry entry,
               std::chrono::steady_clock::time_point started) {
  AccessLog& log = context.access_log();
  if (!log.enabled()) {
    return;
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
  entry.request_seconds = elapsed.count();
  log.write(entry, context.clock());
}

AccessLogEntry log_entry_of(std::string_view client_ip, const MessageHead& head, int status,
                            uint64_t body_bytes, std::string_view upstream) {
  AccessLogEntry entry;
  entry.client_ip = client_ip;
  entry.method = head.method;
  entry.target = head.target;
  entry.version_major = head.version_major;
  entry.version_minor = head.version_minor;
  entry.status = status;
  entry.body_bytes = body_bytes;
  entry.fields = &head.headers;
  entry.referer = header_value(head.headers, FieldName::referer);
  entry.user_agent = header_value(head.headers, FieldName::user_agent);
  entry.upstream = upstream;
  return entry;
}

}  // namespace

Exchange::Exchange(ProxyContext& context, Downstream& downstream, const ClientEndpoint& client,
                   RequestState& state, const RequestInfo& request)
    : context_(context),
      downstream_(downstream),
      client_(client),
      state_(state),
      request_(request),
      rules_(&context.routes().default_header_rules()) {}

Exchange::~Exchange() {
  if (upstream_) {
    upstream_->abort();
  }
}

void Exchange::answer_unparsed(ProxyContext& context, Downstream& downstream,
                               const ClientEndpoint& client, const MessageHead& head, int status,
                               std::chrono::steady_clock::time_point started) {
  const bool head_request = head.method == "HEAD";
  send_generated(downstream, status, head_request, true, {}, {}, nullptr);
  context.metrics().count_request(client.listener_index, status);
  AccessLogEntry entry = log_entry_of(client.peer_ip, head, status,
                                      generated_body_bytes(status, head_request, {}), "-");
  const ListenerRoutes& listener = context.routes().listeners()[client.listener_index];
  entry.scheme = listener.tls ? "https" : "http";
  entry.server_port = listener.port_text;
  std::string request_id;
  if (context.request_ids_needed() && context.access_log().enabled()) {
    context.request_ids().next(request_id);  // a malformed request: not worth trusting its own
  }
  entry.request_id = request_id;
  write_log(context, std::move(entry), started);
  downstream.end_response(kNoTrailers);
}

// ---- validate and normalise ----

void Exchange::start() {
  if (const int status = validate(); status != 0) {
    answer_locally(status, true);
    return;
  }
  const Location* location = route();
  if (phase_ == Phase::finished) {
    return;  // refused while routing
  }
  if (location == nullptr) {
    answer_locally(404, false);
    return;
  }
  if (const auto* action = std::get_if<LocalResponseAction>(&location->action)) {
    answer_configured(*action);
    return;
  }
  if (const auto* action = std::get_if<ServeAction>(&location->action)) {
    answer_served(*action);
    return;
  }
  body_limit_ = location->max_body_size;
  if (body_limit_ != 0 && request_.body == RequestBodyKind::length &&
      request_.content_length > body_limit_) {
    answer_locally(413, false);  // declared too large: refused before a byte goes upstream
    return;
  }
  proxy(*location, std::get<ProxyAction>(location->action));
}

// Returns 0 when the request may be routed, else the status that refuses it.
int Exchange::validate() {
  const MessageHead& head = *request_.head;
  state_.host.clear();  // the connection's previous request's, until this one's is known
  find_client_address();
  assign_request_id();
  if (const int status = refuse_request_head(head, request_.http2); status != 0) {
    return status;
  }
  asterisk_form_ = head.target == "*";
  if (asterisk_form_) {
    // "OPTIONS *" asks about the server as a whole (RFC 9112 section 3.2.4): it is routed as
    // "/" would be and goes upstream as "*". No other method has this form.
    if (head.method != "OPTIONS") {
      return 400;
    }
    state_.target.path.assign(1, '/');
    state_.target.query.clear();
    state_.target.has_query = false;
    state_.target.authority.clear();
  } else if (parse_request_target(head.target, state_.target) != TargetError::none) {
    return 400;
  }
  state_.host =
      normalize_host(state_.target.authority.empty() ? header_value(head.headers, FieldName::host)
                                                     : std::string_view(state_.target.authority));
  return 0;
}

void Exchange::find_client_address() {
  client_ip_ = client_.peer_ip;
  client_bytes_ = client_.peer.address_bytes();
  const std::optional<RealIpConfig>& real_ip = context_.config().real_ip;
  if (!real_ip ||
      !client_address_from_header(*real_ip, client_bytes_, request_.head->headers, state_.client)) {
    return;
  }
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(state_.client.length == 4 ? AF_INET : AF_INET6, state_.client.bytes.data(), text,
            sizeof text);
  state_.client_ip.assign(text);
  client_ip_ = state_.client_ip;
  client_bytes_ = state_.client.view();
}

// The client's ID where it is trusted and sane, else a fresh one; nothing when nothing needs one.
void Exchange::assign_request_id() {
  state_.request_id.clear();
  if (!context_.request_ids_needed()) {
    return;
  }
  const Config& config = context_.config();
  const bool trusted =
      config.request_id &&
      (config.request_id->trust ||
       (config.real_ip && is_trusted_proxy(*config.real_ip, client_.peer.address_bytes())));
  if (trusted) {
    const Header* given = request_.head->headers.find(config.request_id->header);
    if (given != nullptr && acceptable_request_id(given->value)) {
      state_.request_id.assign(given->value);
      return;
    }
  }
  context_.request_ids().next(state_.request_id);
}

// ---- route ----

const Location* Exchange::route() {
  const ListenerRoutes& listener = context_.routes().listeners()[client_.listener_index];
  const VirtualServer& server = context_.routes().server(listener.select(state_.host));
  const EncodedSlashes policy = server.encoded_slashes();
  // The target was parsed before its server was known, with encoded slashes kept; a server with
  // another policy parses it again, only when it holds one.
  if (policy != EncodedSlashes::keep && has_encoded_slash(state_.target.path) &&
      parse_request_target(request_.head->target, state_.target, policy) != TargetError::none) {
    answer_locally(400, true);
    return nullptr;
  }
  const Location* location = server.match(state_.target.path);
  rules_ = location != nullptr ? location->header_rules.get() : &server.header_rules();
  if (!encoded_slashes_change_nothing(server, location)) {
    spdlog::info("client {} sent a path whose encoded slashes select another location: {}",
                 client_.peer_ip, request_.head->target);
    answer_locally(400, true);
    return nullptr;
  }
  return location;
}

// Under "keep" an encoded slash is passed on, but a backend that decodes it splits the path there.
// The request goes through only when the decoded reading would be routed to the same location,
// so "/%2Fadmin" or "/x%2F..%2Fadmin" can never reach a backend that reads "/admin" past a
// location that blocks it.
bool Exchange::encoded_slashes_change_nothing(const VirtualServer& server,
                                              const Location* location) {
  if (server.encoded_slashes() != EncodedSlashes::keep || !has_encoded_slash(state_.target.path)) {
    return true;
  }
  if (normalize_path(state_.target.path, state_.decoded_path, EncodedSlashes::decode) !=
      TargetError::none) {
    return false;  // e.g. "/..%2F..%2Fetc" climbs above the root once decoded
  }
  return server.match(state_.decoded_path) == location;
}

// ---- a local answer the config gives ----

void Exchange::answer_configured(const LocalResponseAction& action) {
  if (!action.location.has_variables()) {
    answer_locally(action.status, false, action.location.text, action.body);
    return;
  }
  std::string location;
  expand_template(action.location, template_values(), location);
  answer_locally(action.status, false, location, action.body);
}

TemplateValues Exchange::template_values() const {
  const ListenerRoutes& listener = context_.routes().listeners()[client_.listener_index];
  std::string_view host = state_.host;
  if (host.empty()) {
    host = context_.routes().server(listener.default_server).fallback_host();
  }
  return TemplateValues{listener.tls ? "https" : "http",
                        host,
                        request_uri_of(request_.head->target),
                        listener.port_text,
                        client_ip_,
                        client_.peer_ip,
                        state_.request_id,
                        host_to_forward(),
                        &request_.head->headers};
}

// The response rules' fields, expanded once per request: their values do not depend on the
// response. nullptr when the rules in force leave responses alone.
const ResponseFieldEdits* Exchange::response_edits() {
  const FieldRules& rules = rules_->response;
  if (rules.fields.empty() && rules.dropped.empty()) {
    return nullptr;
  }
  const TemplateValues values = template_values();
  std::string& text = state_.response_field_text;
  text.clear();
  std::vector<size_t>& ends = state_.response_field_ends;
  ends.clear();
  for (const FieldOutput& field : rules.fields) {
    expand_template(field.value, values, text);
    ends.push_back(text.size());
  }
  // Views only once `text` has stopped growing.
  state_.response_fields.clear();
  size_t begin = 0;
  for (size_t i = 0; i < rules.fields.size(); ++i) {
    if (ends[i] > begin) {  // an empty value sends no field
      state_.response_fields.push_back(
          AddedField{rules.fields[i].name, rules.fields[i].lower_name,
                     std::string_view(text).substr(begin, ends[i] - begin)});
    }
    begin = ends[i];
  }
  state_.response_edits = ResponseFieldEdits{&rules.dropped, state_.response_fields};
  return &state_.response_edits;
}

// ---- the upstream exchange ----

std::string_view Exchange::host_to_forward() const {
  if (!state_.target.authority.empty()) {
    return state_.target.authority;
  }
  return header_value(request_.head->headers, FieldName::host);
}

void Exchange::proxy(const Location& location, const ProxyAction& action) {
  const MessageHead& head = *request_.head;
  if (asterisk_form_) {
    state_.upstream_path.assign(1, '*');
  } else if (!build_upstream_path(location, action, state_.target.path, state_.upstream_path)) {
    answer_locally(400, true);
    return;
  }
  UpstreamRuntime& upstream = context_.upstream(action.upstream_index);
  state_.attempts.reset(upstream, hash_key(upstream.config()), sticky_server(upstream));
  const std::optional<size_t> server = state_.attempts.first(monotonic_ms());
  if (!server) {
    spdlog::error("no live upstreams in \"{}\" for {} {}", upstream.config().name, head.method,
                  state_.upstream_path);
    answer_locally(502, false);
    return;
  }
  UpstreamRequestPlan plan;
  plan.body_mode = request_.body == RequestBodyKind::stream   ? RequestBodyMode::chunked
                   : request_.body == RequestBodyKind::length ? RequestBodyMode::length
                                                              : RequestBodyMode::none;
  plan.head_method = head.method == "HEAD";
  plan.upgrade = request_.upgrade;
  plan.upstream_index = action.upstream_index;
  plan.retry_after_send = action.retry_non_idempotent || is_idempotent(head.method);
  plan.response_edits = response_edits();
  std::string_view host = host_to_forward();
  if (host.empty()) {
    host = upstream.address_text(*server);  // an HTTP/1.0 request without Host
  }
  const TemplateValues values = template_values();
  build_upstream_request_head(
      UpstreamRequest{head, state_.upstream_path, state_.target.query, state_.target.has_query,
                      host, plan.body_mode, request_.content_length, request_.upgrade,
                      upstream.config().keepalive > 0, *rules_, values, state_.field_scratch},
      state_.replay.start_head());
  state_.replay.head_written();
  phase_ = Phase::proxying;
  upstream_.emplace(context_, static_cast<UpstreamExchangeOwner&>(*this), downstream_,
                    state_.attempts, state_.replay, plan);
  if (!upstream_->start(*server)) {
    upstream_.reset();
    answer_locally(502, false);
  }
}

// What a hashing balancer hashes for this request; empty for the others. A view into the request
// (its head, or the client's address), which UpstreamAttempts copies.
std::string_view Exchange::hash_key(const UpstreamConfig& upstream) const {
  switch (upstream.balance) {
    case BalanceMethod::ip_hash:
      return client_bytes_;
    case BalanceMethod::hash:
      return hash_key_of(upstream.hash_key,
                         HashKeyInputs{client_bytes_, state_.target.path, request_.head->headers});
    case BalanceMethod::round_robin:
    case BalanceMethod::least_conn:
      break;
  }
  return {};
}

// The server a sticky cookie names, if the upstream is sticky and the request carries one.
std::optional<size_t> Exchange::sticky_server(const UpstreamRuntime& upstream) const {
  const StickyCookie* sticky = upstream.sticky();
  if (sticky == nullptr) {
    return std::nullopt;
  }
  const std::optional<std::string_view> value =
      find_cookie(request_.head->headers, sticky->cookie_name());
  return value ? sticky->server_for(*value) : std::nullopt;
}

// ---- the request body ----

bool Exchange::on_request_body(std::string_view bytes) {
  body_received_ += bytes.size();
  if (body_limit_ != 0 && body_received_ > body_limit_) {
    spdlog::info("client {} sent a body over max_body_size ({} bytes)", client_.peer_ip,
                 body_limit_);
    return false;
  }
  if (upstream_) {
    upstream_->send_body(bytes);
  }
  return true;
}

void Exchange::on_request_end(const HeaderList& trailers) {
  if (upstream_) {
    upstream_->end_body(trailers);
  }
}

// Ends a request whose body broke or outgrew its limit after its head may have gone upstream.
// That upstream connection is abandoned with its exchange: the backend never sees a complete
// request. The client still learns why, unless the response has begun.
void Exchange::refuse_body(int status) {
  if (phase_ == Phase::finished) {
    return;  // answered already (e.g. 404 before the body): the session closes after it
  }
  if (upstream_ && upstream_->response_started()) {
    log(upstream_->response_status(), upstream_->response_body_bytes(),
        upstream_->upstream_address());
    phase_ = Phase::finished;
    upstream_->abort();
    downstream_.abort_response();
    return;
  }
  std::string address = upstream_ ? upstream_->upstream_address() : std::string("-");
  upstream_.reset();
  answer_locally(status, true, {}, {}, address);
}

bool Exchange::request_body_backlogged() const {
  return upstream_ && upstream_->body_backlogged();
}

void Exchange::on_downstream_drained() {
  if (upstream_) {
    upstream_->on_downstream_drained();
  }
}

void Exchange::on_downstream_gone() {
  phase_ = Phase::finished;
  if (upstream_) {
    upstream_->abort();
  }
}

// ---- answers ----

void Exchange::on_upstream_complete(const HeaderList& trailers) {
  phase_ = Phase::finished;
  log(upstream_->response_status(), upstream_->response_body_bytes(),
      upstream_->upstream_address());
  downstream_.end_response(trailers);  // last: the session may retire this exchange
}

void Exchange::on_upstream_failed(int status) {
  const std::string address = upstream_->upstream_address();
  answer_locally(status, false, {}, {}, address);
}

void Exchange::on_upstream_aborted() {
  phase_ = Phase::finished;
  log(upstream_->response_status(), upstream_->response_body_bytes(),
      upstream_->upstream_address());
  downstream_.abort_response();  // last
}

void Exchange::on_upstream_switched(std::unique_ptr<Transport> upstream, IoBuffer input) {
  phase_ = Phase::finished;
  log(101, 0, upstream_->upstream_address());
  downstream_.switch_to_tunnel(std::move(upstream), std::move(input));  // last
}

void Exchange::answer_locally(int status, bool close_connection, std::string_view location,
                              std::string_view body, std::string_view upstream) {
  phase_ = Phase::finished;
  const bool head_request = request_.head->method == "HEAD";
  send_generated(downstream_, status, head_request, close_connection, location, body,
                 response_edits());
  log(status, generated_body_bytes(status, head_request, body), upstream);
  downstream_.end_response(kNoTrailers);  // last: the session may retire this exchange
}

void Exchange::log(int status, uint64_t body_bytes, std::string_view upstream) const {
  context_.metrics().count_request(client_.listener_index, status);
  if (!context_.access_log().enabled()) {
    return;
  }
  AccessLogEntry entry = log_entry_of(client_ip_, *request_.head, status, body_bytes, upstream);
  if (upstream_ && upstream != "-") {
    entry.upstream_status = upstream_->response_status();
    entry.upstream_seconds = upstream_->attempt_seconds();
  }
  const ListenerRoutes& listener = context_.routes().listeners()[client_.listener_index];
  entry.request_id = state_.request_id;
  entry.host = state_.host;
  entry.scheme = listener.tls ? "https" : "http";
  entry.server_port = listener.port_text;
  write_log(context_, std::move(entry), request_.started);
}

}  // namespace relay7
