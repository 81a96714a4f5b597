// libFuzzer harness: one client connection through the real request pipeline of a worker
// (the HTTP/1 server session, the exchange and upstream exchange, UpstreamAttempts, the
// balancers, the connection pools and HTTP/1 client sessions) to two
// real backends on loopback whose behaviour the input chooses. It exists for the paths that only
// run when an upstream misbehaves: retries after a request was sent, replayed bodies, trailers
// on both sides, a response the parser refuses halfway, timeouts. The upstream uses "hash" on a
// header, so the key of every retry is read again after the whole request (trailers included)
// was parsed: the use-after-free of issue 13 lived exactly there. See fuzz/README.md.
//
// Input: byte 0 and byte 1 choose the behaviour of backend 0 and backend 1 (Behaviour below),
// byte 2 the length of the response bytes (0..255), which follow; the rest is what the client
// sends, after which it half-closes. Findings are sanitizer reports and the invariants checked.

#include <event2/event.h>
#include <event2/listener.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "relay7/config/loader.h"
#include "relay7/event/handles.h"
#include "relay7/http1/server_session.h"
#include "relay7/log/access_log.h"
#include "relay7/net/listen_socket.h"
#include "relay7/net/socket_address.h"
#include "relay7/net/unique_fd.h"
#include "relay7/pipeline/proxy_context.h"
#include "relay7/transport/transport.h"
#include "relay7/upstream/shared_state.h"

namespace relay7::fuzz {
namespace {

// What a backend does with each connection it accepts.
enum class Behaviour : uint8_t {
  drop_after_request,  // reads until a blank line ends what it got, then closes: no response
  answer,              // the same, then sends the input's response bytes and closes
  close_at_once,       // closes as soon as it accepts
  stay_silent,         // reads and never answers (relay7's upstream_read ends it)
  count
};

constexpr std::string_view kConfigTemplate = R"({
  "workers": 1,
  "timeouts": {"client_header": "300ms", "client_body": "300ms", "send": "300ms",
               "upstream_connect": "300ms", "upstream_read": "100ms", "upstream_send": "300ms"},
  "upstreams": {"app": {"balance": "hash", "hash_key": "$http_x_user", "max_fails": 0,
                        "next_upstream_tries": 2, "fail_on_status": [502, 503],
                        "servers": ["127.0.0.1:PORT0", "127.0.0.1:PORT1"]}},
  "servers": [{"listen": ["127.0.0.1:1"], "locations": [
    {"path": "/", "proxy_pass": "http://app"},
    {"path": "/put", "proxy_pass": "http://app/", "retry_non_idempotent": true},
    {"path": "/admin", "return": 403},
    {"path": "/moved", "return": {"status": 301, "location": "$scheme://$host:$server_port$request_uri"}}
  ]}]
})";

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
  return text;
}

// Set up once: the backends' listening sockets, the config naming them, the shared state.
struct Fixture {
  UniqueFd backend_sockets[2];
  std::shared_ptr<const Config> config;
  std::unique_ptr<SharedStateRegistry> shared;
  SlotMap slots;
};

const Fixture& fixture() {
  static const Fixture* const instance = [] {
    spdlog::set_level(spdlog::level::off);
    auto* made = new Fixture;
    std::string text(kConfigTemplate);
    for (int i = 0; i < 2; ++i) {
      std::string error;
      const std::optional<SocketAddress> any = parse_numeric_address("127.0.0.1:0");
      FUZZ_CHECK(any.has_value());
      made->backend_sockets[i] = bind_reuseport_socket(*any, error);
      FUZZ_CHECK(made->backend_sockets[i].valid(), error);
      FUZZ_CHECK(start_listening(made->backend_sockets[i].get(), *any, error), error);
      SocketAddress bound;
      bound.length = sizeof bound.storage;
      ::getsockname(made->backend_sockets[i].get(), reinterpret_cast<sockaddr*>(&bound.storage),
                    &bound.length);
      text = replace_all(text, "PORT" + std::to_string(i), std::to_string(bound.port()));
    }
    ConfigLoadResult loaded = parse_config_text(text, "exchange_fuzzer.json");
    FUZZ_CHECK(loaded.ok(), loaded.errors.empty() ? "" : loaded.errors.front());
    made->config = std::make_shared<const Config>(std::move(*loaded.config));
    std::string error;
    made->shared =
        SharedStateRegistry::create(SharedServerTable::size_for(*made->config, 1), error);
    FUZZ_CHECK(made->shared != nullptr, error);
    std::optional<SlotMap> slots = made->shared->assign(*made->config, error);
    FUZZ_CHECK(slots.has_value(), error);
    made->slots = std::move(*slots);
    return made;
  }();
  return *instance;
}

struct Backend;

// One accepted upstream connection, behaving as its backend was told to.
struct BackendConnection {
  Backend* backend;
  UniqueFd fd;
  EventPtr event;
  std::string received;
  bool answered = false;
};

struct Backend {
  Behaviour behaviour;
  std::string_view response;
  ListenerPtr listener;
  std::vector<std::unique_ptr<BackendConnection>> connections;
};

void close_connection(BackendConnection& connection) {
  connection.event.reset();
  connection.fd.reset();
}

// A blank line ends a head or a trailer section: as far as a fuzzed request can tell, the
// request (or the part of it relay7 has sent so far) is complete.
bool request_seems_complete(const std::string& received) {
  return received.size() >= 4 && received.compare(received.size() - 4, 4, "\r\n\r\n") == 0;
}

void on_backend_readable(evutil_socket_t fd, short, void* context) {
  auto* connection = static_cast<BackendConnection*>(context);
  char buffer[4096];
  const ssize_t n = ::read(fd, buffer, sizeof buffer);
  if (n <= 0) {
    close_connection(*connection);
    return;
  }
  connection->received.append(buffer, static_cast<size_t>(n));
  if (!request_seems_complete(connection->received) || connection->answered) {
    return;
  }
  switch (connection->backend->behaviour) {
    case Behaviour::drop_after_request:
      close_connection(*connection);
      return;
    case Behaviour::answer: {
      connection->answered = true;
      const std::string_view response = connection->backend->response;
      // Small enough for the socket buffer: one write, then a close that ends a close-delimited
      // body.
      [[maybe_unused]] const ssize_t written = ::write(fd, response.data(), response.size());
      close_connection(*connection);
      return;
    }
    case Behaviour::close_at_once:
    case Behaviour::stay_silent:
    case Behaviour::count:
      return;
  }
}

void on_backend_accept(evconnlistener* listener, evutil_socket_t fd, sockaddr*, int,
                       void* context) {
  auto* backend = static_cast<Backend*>(context);
  UniqueFd accepted(fd);
  if (backend->behaviour == Behaviour::close_at_once) {
    return;
  }
  auto connection = std::make_unique<BackendConnection>();
  connection->backend = backend;
  connection->fd = std::move(accepted);
  connection->event.reset(event_new(evconnlistener_get_base(listener), connection->fd.get(),
                                    EV_READ | EV_PERSIST, &on_backend_readable, connection.get()));
  event_add(connection->event.get(), nullptr);
  backend->connections.push_back(std::move(connection));
}

// The client's end: reads what relay7 answers until relay7 closes, which ends the run.
struct Client {
  UniqueFd fd;
  EventPtr event;
  std::string received;
  event_base* base;
};

void on_client_readable(evutil_socket_t fd, short, void* context) {
  auto* client = static_cast<Client*>(context);
  char buffer[4096];
  const ssize_t n = ::read(fd, buffer, sizeof buffer);
  if (n > 0) {
    client->received.append(buffer, static_cast<size_t>(n));
    return;
  }
  event_base_loopbreak(client->base);
}

void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n <= 0) {
      return;  // relay7 closed early (a refused request): the rest is never read
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

// relay7 writes nothing but complete status lines at the start of its responses.
void check_client_bytes(const std::string& received) {
  if (received.empty()) {
    return;
  }
  FUZZ_CHECK(received.rfind("HTTP/1.", 0) == 0, "answer: " + escaped(received.substr(0, 64)));
}

void run(Behaviour first, Behaviour second, std::string_view response, std::string_view request) {
  const Fixture& setup = fixture();
  EventBasePtr base(event_base_new());
  Backend backends[2] = {{first, response, nullptr, {}}, {second, response, nullptr, {}}};
  for (int i = 0; i < 2; ++i) {
    backends[i].listener.reset(evconnlistener_new(base.get(), &on_backend_accept, &backends[i], 0,
                                                  -1, setup.backend_sockets[i].get()));
    FUZZ_CHECK(backends[i].listener != nullptr);
  }
  {
    ProxyContext context(base.get(), setup.config, std::make_shared<AccessLog>(),
                         SharedStateHandle{&setup.shared->table(), setup.slots, -1, false});
    int pair[2];
    FUZZ_CHECK(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair) == 0);
    Client client{UniqueFd(pair[0]), nullptr, {}, base.get()};
    const std::optional<SocketAddress> peer = parse_numeric_address("127.0.0.2:40000");
    Http1ServerSession::open(context, std::make_unique<Transport>(base.get(), UniqueFd(pair[1])),
                             *peer, 0);
    client.event.reset(
        event_new(base.get(), client.fd.get(), EV_READ | EV_PERSIST, &on_client_readable, &client));
    event_add(client.event.get(), nullptr);
    write_all(client.fd.get(), request);
    ::shutdown(client.fd.get(), SHUT_WR);
    // Every timeout of the config is far below this; a run that reaches it is stuck.
    const timeval limit{3, 0};
    event_base_loopexit(base.get(), &limit);
    event_base_dispatch(base.get());
    check_client_bytes(client.received);
    client.event.reset();
    context.connections().close_all();
    // The connections retired by close_all are destroyed on the next turn of the loop.
    event_base_loop(base.get(), EVLOOP_NONBLOCK);
  }
  for (Backend& backend : backends) {
    backend.connections.clear();
    backend.listener.reset();
  }
}

}  // namespace
}  // namespace relay7::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using relay7::fuzz::Behaviour;
  if (size < 3) {
    return 0;
  }
  const auto behaviour = [](uint8_t byte) {
    return static_cast<Behaviour>(byte % static_cast<uint8_t>(Behaviour::count));
  };
  const size_t response_length = std::min<size_t>(data[2], size - 3);
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 3, size - 3);
  relay7::fuzz::run(behaviour(data[0]), behaviour(data[1]), bytes.substr(0, response_length),
                    bytes.substr(response_length));
  return 0;
}
