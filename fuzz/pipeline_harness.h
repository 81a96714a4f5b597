// Shared by the harnesses that run one client connection through a worker's pipeline end to end
// (fuzz_exchange over HTTP/1, fuzz_http2): two backends on loopback whose behaviour the input
// chooses, the client's end of a socket pair, and the run itself.
#pragma once

#include <event2/event.h>
#include <event2/listener.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/event/handles.h"
#include "relay7/log/access_log.h"
#include "relay7/net/socket_address.h"
#include "relay7/net/unique_fd.h"
#include "relay7/transport/transport.h"
#include "relay7/upstream/shared_state.h"

namespace relay7 {
class ProxyContext;
}

namespace relay7::fuzz {

// What a backend does with each connection it accepts.
enum class Behaviour : uint8_t {
  drop_after_request,  // reads until a blank line ends what it got, then closes: no response
  answer,              // the same, then sends the input's response bytes and closes
  close_at_once,       // closes as soon as it accepts
  stay_silent,         // reads and never answers (relay7's upstream_read ends it)
  count
};

Behaviour behaviour_of(uint8_t byte);

// A harness's input: byte 0 and byte 1 choose the backends' behaviours, byte 2 the length of
// their response bytes (0..255), which follow; the rest is the client's. Views into the input.
struct PipelineInput {
  Behaviour first;
  Behaviour second;
  std::string_view response;
  std::string_view client;
};
std::optional<PipelineInput> split_pipeline_input(const uint8_t* data, size_t size);

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
  std::string_view response;  // borrowed from the fuzzer's input for the run
  ListenerPtr listener;
  std::vector<std::unique_ptr<BackendConnection>> connections;

  // Starts accepting on `socket` (bound and listening, owned by the caller's fixture).
  void listen(event_base* base, int socket);
  void stop();
};

// A listening socket on 127.0.0.1 with a free port: the port goes into a config once.
UniqueFd listening_backend_socket(uint16_t& port);

std::string replace_all(std::string text, std::string_view from, std::string_view to);

// The client's end of the socket pair a session serves: it collects what relay7 answers until
// relay7 closes, which ends the run (event_base_loopbreak).
struct Client {
  UniqueFd fd;
  EventPtr event;
  std::string received;
  event_base* base;

  void watch();
};

// Writes as much of `bytes` as the peer takes; stops quietly when relay7 has closed.
void write_all(int fd, std::string_view bytes);

// Set up once per harness: the backends' listening sockets, the config naming them (PORT0 and
// PORT1 in `config_template` become their ports), the shared state.
struct PipelineFixture {
  UniqueFd backend_sockets[2];
  std::shared_ptr<const Config> config;
  std::unique_ptr<SharedStateRegistry> shared;
  SlotMap slots;
  // The config's access log (a fuzzer's config writes it to /dev/null), so that every line is
  // formatted from the fuzzed request.
  std::shared_ptr<AccessLog> access_log;
};
const PipelineFixture* make_pipeline_fixture(std::string_view config_template);

// Starts the session under test on the server end of the socket pair (listener 0).
using SessionOpener = void (*)(ProxyContext& context, std::unique_ptr<Transport> transport,
                               const SocketAddress& peer);

// One run: a worker's context, the backends behaving as told (answering with `response`), the
// session `open` starts, the client writing `request` and half-closing. Returns what relay7
// answered once it closed (or the run hit its 3 s bound).
std::string run_pipeline(const PipelineFixture& fixture, Behaviour first, Behaviour second,
                         std::string_view response, std::string_view request, SessionOpener open);

}  // namespace relay7::fuzz
