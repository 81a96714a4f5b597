#include "pipeline_harness.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_support.h"
#include "relay7/config/loader.h"
#include "relay7/log/access_log.h"
#include "relay7/net/listen_socket.h"
#include "relay7/pipeline/proxy_context.h"

namespace relay7::fuzz {
namespace {

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

}  // namespace

Behaviour behaviour_of(uint8_t byte) {
  return static_cast<Behaviour>(byte % static_cast<uint8_t>(Behaviour::count));
}

std::optional<PipelineInput> split_pipeline_input(const uint8_t* data, size_t size) {
  if (size < 3) {
    return std::nullopt;
  }
  const size_t response_length = std::min<size_t>(data[2], size - 3);
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 3, size - 3);
  return PipelineInput{behaviour_of(data[0]), behaviour_of(data[1]),
                       bytes.substr(0, response_length), bytes.substr(response_length)};
}

void Backend::listen(event_base* base, int socket) {
  listener.reset(evconnlistener_new(base, &on_backend_accept, this, 0, -1, socket));
  FUZZ_CHECK(listener != nullptr);
}

void Backend::stop() {
  connections.clear();
  listener.reset();
}

UniqueFd listening_backend_socket(uint16_t& port) {
  std::string error;
  const std::optional<SocketAddress> any = parse_numeric_address("127.0.0.1:0");
  FUZZ_CHECK(any.has_value());
  UniqueFd socket = bind_reuseport_socket(*any, error);
  FUZZ_CHECK(socket.valid(), error);
  FUZZ_CHECK(start_listening(socket.get(), *any, error), error);
  SocketAddress bound;
  bound.length = sizeof bound.storage;
  ::getsockname(socket.get(), reinterpret_cast<sockaddr*>(&bound.storage), &bound.length);
  port = bound.port();
  return socket;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
  return text;
}

void Client::watch() {
  event.reset(event_new(base, fd.get(), EV_READ | EV_PERSIST, &on_client_readable, this));
  event_add(event.get(), nullptr);
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

const PipelineFixture* make_pipeline_fixture(std::string_view config_template) {
  spdlog::set_level(spdlog::level::off);
  auto* made = new PipelineFixture;  // lives as long as the harness process
  std::string text(config_template);
  for (int i = 0; i < 2; ++i) {
    uint16_t port = 0;
    made->backend_sockets[i] = listening_backend_socket(port);
    text = replace_all(text, "PORT" + std::to_string(i), std::to_string(port));
  }
  ConfigLoadResult loaded = parse_config_text(text, "fuzzer.json");
  FUZZ_CHECK(loaded.ok(), loaded.errors.empty() ? "" : loaded.errors.front());
  made->config = std::make_shared<const Config>(std::move(*loaded.config));
  std::string error;
  made->shared = SharedStateRegistry::create(SharedServerTable::size_for(*made->config, 1), error);
  FUZZ_CHECK(made->shared != nullptr, error);
  std::optional<SlotMap> slots = made->shared->assign(*made->config, error);
  FUZZ_CHECK(slots.has_value(), error);
  made->slots = std::move(*slots);
  made->access_log = AccessLog::open(made->config->access_log, error);
  FUZZ_CHECK(made->access_log != nullptr, error);
  return made;
}

std::string run_pipeline(const PipelineFixture& fixture, Behaviour first, Behaviour second,
                         std::string_view response, std::string_view request, SessionOpener open) {
  EventBasePtr base(event_base_new());
  Backend backends[2] = {{first, response, nullptr, {}}, {second, response, nullptr, {}}};
  for (int i = 0; i < 2; ++i) {
    backends[i].listen(base.get(), fixture.backend_sockets[i].get());
  }
  std::string received;
  {
    // No shared metric table: the context counts into a private one, so fuzzed requests reach
    // the counting too.
    ProxyContext context(base.get(), fixture.config, fixture.access_log,
                         SharedStateHandle{&fixture.shared->table(), fixture.slots, -1, false},
                         MetricsHandle{});
    int pair[2];
    FUZZ_CHECK(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair) == 0);
    Client client{UniqueFd(pair[0]), nullptr, {}, base.get()};
    const std::optional<SocketAddress> peer = parse_numeric_address("127.0.0.2:40000");
    open(context, std::make_unique<Transport>(base.get(), UniqueFd(pair[1])), *peer);
    client.watch();
    write_all(client.fd.get(), request);
    ::shutdown(client.fd.get(), SHUT_WR);
    // Every timeout of the configs is far below this; a run that reaches it is stuck.
    const timeval limit{3, 0};
    event_base_loopexit(base.get(), &limit);
    event_base_dispatch(base.get());
    received = std::move(client.received);
    client.event.reset();
    context.connections().close_all();
    // The connections retired by close_all are destroyed on the next turn of the loop.
    event_base_loop(base.get(), EVLOOP_NONBLOCK);
  }
  for (Backend& backend : backends) {
    backend.stop();
  }
  return received;
}

}  // namespace relay7::fuzz
