#include "relay7/upstream/health_checker.h"

#include <arpa/inet.h>
#include <event2/listener.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "relay7/event/handles.h"
#include "relay7/http/message_parser.h"
#include "relay7/net/unique_fd.h"

namespace relay7 {
namespace {

using namespace std::chrono_literals;

// --- record_probe -------------------------------------------------------------------------------

HealthCheckConfig rise_fall(uint32_t rise, uint32_t fall) {
  HealthCheckConfig check;
  check.rise = rise;
  check.fall = fall;
  return check;
}

// Feeds verdicts ('+' success, '-' failure) and spells the transitions: '.' none, 'D' went
// down, 'U' came up.
std::string run_probes(ServerSlot& slot, const HealthCheckConfig& check,
                       std::string_view verdicts) {
  std::string out;
  for (char verdict : verdicts) {
    switch (record_probe(slot, verdict == '+', check)) {
      case ProbeTransition::none:
        out += '.';
        break;
      case ProbeTransition::went_down:
        out += 'D';
        break;
      case ProbeTransition::came_up:
        out += 'U';
        break;
    }
  }
  return out;
}

TEST(RecordProbe, ServerStartsUp) {
  ServerSlot slot;
  EXPECT_FALSE(slot.probe_down.load());
  EXPECT_EQ(run_probes(slot, rise_fall(2, 3), "+++"), "...");
  EXPECT_FALSE(slot.probe_down.load());
  EXPECT_EQ(slot.probe_streak.load(), 0u);
}

TEST(RecordProbe, GoesDownExactlyOnTheFallthFailure) {
  ServerSlot slot;
  EXPECT_EQ(run_probes(slot, rise_fall(2, 3), "--"), "..");
  EXPECT_FALSE(slot.probe_down.load());
  EXPECT_EQ(slot.probe_streak.load(), 2u);
  EXPECT_EQ(run_probes(slot, rise_fall(2, 3), "-"), "D");
  EXPECT_TRUE(slot.probe_down.load());
  EXPECT_EQ(slot.probe_streak.load(), 0u);
}

TEST(RecordProbe, ASuccessResetsTheFailureStreak) {
  ServerSlot slot;
  EXPECT_EQ(run_probes(slot, rise_fall(2, 3), "--+--+--"), "........");
  EXPECT_FALSE(slot.probe_down.load());
  EXPECT_EQ(run_probes(slot, rise_fall(2, 3), "-"), "D");
}

TEST(RecordProbe, ComesUpExactlyOnTheRisethSuccess) {
  ServerSlot slot;
  const HealthCheckConfig check = rise_fall(2, 3);
  ASSERT_EQ(run_probes(slot, check, "---"), "..D");
  EXPECT_EQ(run_probes(slot, check, "+"), ".");
  EXPECT_TRUE(slot.probe_down.load());
  EXPECT_EQ(slot.probe_streak.load(), 1u);
  EXPECT_EQ(run_probes(slot, check, "+"), "U");
  EXPECT_FALSE(slot.probe_down.load());
  EXPECT_EQ(slot.probe_streak.load(), 0u);
}

TEST(RecordProbe, AFailureResetsTheSuccessStreak) {
  ServerSlot slot;
  const HealthCheckConfig check = rise_fall(3, 1);
  ASSERT_EQ(run_probes(slot, check, "-"), "D");
  EXPECT_EQ(run_probes(slot, check, "++-++-++"), "........");
  EXPECT_TRUE(slot.probe_down.load());
  EXPECT_EQ(run_probes(slot, check, "+"), "U");
}

TEST(RecordProbe, FailuresWhileDownChangeNothing) {
  ServerSlot slot;
  const HealthCheckConfig check = rise_fall(2, 2);
  ASSERT_EQ(run_probes(slot, check, "--"), ".D");
  EXPECT_EQ(run_probes(slot, check, "-----"), ".....");
  EXPECT_TRUE(slot.probe_down.load());
  EXPECT_EQ(slot.probe_streak.load(), 0u);
}

TEST(RecordProbe, FlapsFollowTheRuleBothWays) {
  ServerSlot slot;
  EXPECT_EQ(run_probes(slot, rise_fall(2, 2), "--++--+-++"), ".D.U.D...U");
}

TEST(RecordProbe, RiseAndFallOfOneActAtOnce) {
  ServerSlot slot;
  EXPECT_EQ(run_probes(slot, rise_fall(1, 1), "+-+-"), ".DUD");
}

// --- the probe loop -----------------------------------------------------------------------------

SocketAddress loopback(uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return socket_address_from(reinterpret_cast<const sockaddr*>(&address), sizeof address);
}

SocketAddress local_address_of(int fd) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length), 0);
  return socket_address_from(reinterpret_cast<const sockaddr*>(&storage), length);
}

// A port nothing listens on: bound once to learn a free port, then closed.
SocketAddress closed_port() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const SocketAddress any_port = loopback(0);
  EXPECT_EQ(::bind(fd.get(), any_port.raw(), any_port.length), 0);
  return local_address_of(fd.get());
}

std::string response_with_status(int status) {
  return "HTTP/1.1 " + std::to_string(status) +
         " Test\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
}

struct SeenRequest {
  MessageHead head;
  bool down_when_asked = false;  // the slot's verdict when the request arrived
};

// A tiny HTTP server in the test's own event loop. It parses each request with relay7's parser
// and answers it with fixed bytes, or never answers, or closes every connection at once.
class TestBackend {
 public:
  enum class Mode { answer, silent, close_at_once };

  TestBackend(event_base* base, const ServerSlot& slot) : base_(base), slot_(slot) {
    const SocketAddress any_port = loopback(0);
    listener_.reset(evconnlistener_new_bind(base, &TestBackend::on_accept, this,
                                            LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 16,
                                            any_port.raw(), static_cast<int>(any_port.length)));
    EXPECT_NE(listener_, nullptr);
    address_ = local_address_of(evconnlistener_get_fd(listener_.get()));
  }

  const SocketAddress& address() const { return address_; }
  const std::vector<SeenRequest>& requests() const { return requests_; }
  size_t accepted() const { return accepted_; }
  size_t open_connections() const { return connections_.size(); }

  void answer(std::string response) {
    mode_ = Mode::answer;
    response_ = std::move(response);
  }
  void set_mode(Mode mode) { mode_ = mode; }

 private:
  struct Connection final : MessageParser::Handler {
    Connection(TestBackend& backend, bufferevent* bev) : backend(backend), bev(bev) {}

    AfterHead on_head(MessageHead& head, const BodyFraming&) override {
      backend.requests_.push_back({head, backend.slot_.probe_down.load()});
      return AfterHead::skip_body;
    }
    void on_body(const char*, size_t) override {}
    bool on_message_end() override {
      if (backend.mode_ == Mode::answer) {
        bufferevent_write(bev.get(), backend.response_.data(), backend.response_.size());
      }
      return true;
    }

    TestBackend& backend;
    BufferEventPtr bev;
    MessageParser parser{MessageType::request, *this};
    std::list<std::unique_ptr<Connection>>::iterator position;
  };

  static void on_accept(evconnlistener*, evutil_socket_t fd, sockaddr*, int, void* context) {
    auto* self = static_cast<TestBackend*>(context);
    ++self->accepted_;
    if (self->mode_ == Mode::close_at_once) {
      ::close(fd);
      return;
    }
    bufferevent* bev = bufferevent_socket_new(self->base_, fd, BEV_OPT_CLOSE_ON_FREE);
    self->connections_.push_back(std::make_unique<Connection>(*self, bev));
    Connection* connection = self->connections_.back().get();
    connection->position = std::prev(self->connections_.end());
    bufferevent_setcb(bev, &TestBackend::on_read, nullptr, &TestBackend::on_event, connection);
    bufferevent_enable(bev, EV_READ | EV_WRITE);
  }

  static void on_read(bufferevent* bev, void* context) {
    auto* connection = static_cast<Connection*>(context);
    evbuffer* input = bufferevent_get_input(bev);
    const size_t length = evbuffer_get_length(input);
    const auto* data = reinterpret_cast<const char*>(evbuffer_pullup(input, -1));
    const MessageParser::Result result = connection->parser.feed(data, length);
    evbuffer_drain(input, length);
    if (result.status == MessageParser::Status::error) {
      ADD_FAILURE() << "the probe sent an invalid request: " << connection->parser.error_reason();
      connection->backend.close(connection);
    }
  }

  // The probe closes first: it stops reading once it has the head.
  static void on_event(bufferevent*, short, void* context) {
    auto* connection = static_cast<Connection*>(context);
    connection->backend.close(connection);
  }

  void close(Connection* connection) { connections_.erase(connection->position); }

  event_base* base_;
  const ServerSlot& slot_;
  ListenerPtr listener_;
  SocketAddress address_;
  Mode mode_ = Mode::answer;
  std::string response_ = response_with_status(200);
  std::list<std::unique_ptr<Connection>> connections_;
  std::vector<SeenRequest> requests_;
  size_t accepted_ = 0;
};

class HealthCheckerTest : public ::testing::Test {
 protected:
  static constexpr uint32_t kRise = 2;
  static constexpr uint32_t kFall = 2;

  void SetUp() override {
    // As in a worker: a write to a connection the backend closed must fail, not kill.
    std::signal(SIGPIPE, SIG_IGN);
    HealthCheckConfig check;
    check.path = "/health?deep=1";
    check.interval = 50ms;
    check.timeout = 30ms;
    check.rise = kRise;
    check.fall = kFall;
    UpstreamConfig upstream;
    upstream.name = "pool";
    upstream.health_check = check;
    config_.upstreams.push_back(upstream);
    point_at(backend_.address());
  }

  void point_at(const SocketAddress& address) {
    UpstreamServerConfig server;
    server.addresses = {address};
    server.address_text = address.to_string();
    config_.upstreams[0].servers = {server};
  }

  HealthCheckConfig& check() { return *config_.upstreams[0].health_check; }
  ServerSlot& slot() { return registry_->table().slot(kSlot); }
  bool down() { return slot().probe_down.load(); }

  void start_checker() {
    std::string error;
    const std::optional<SlotMap> slots = registry_->assign(config_, error);
    ASSERT_TRUE(slots) << error;
    ASSERT_EQ((*slots)[0][0][0], kSlot) << "the first slot handed out is the lowest";
    runtime_ = std::make_unique<UpstreamRuntime>(pool_resources_, config_.upstreams[0],
                                                 registry_->table(), (*slots)[0], -1);
    const ParserLimits limits{ParserLimits{}.max_target_bytes, config_.limits.response_head,
                              config_.limits.response_headers};
    checker_ = std::make_unique<HealthChecker>(base_.get(), limits,
                                               std::vector<UpstreamRuntime*>{runtime_.get()});
    checker_->start();
  }

  // Runs the event loop until `done` holds (checked every millisecond) or `limit` passes; returns
  // whether it held. The bound is a timer of this run, so an early finish leaves nothing behind
  // that could cut a later run short.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 5s) {
    struct Run {
      event_base* base;
      const std::function<bool()>& done;
      bool held = false;
    } run{base_.get(), done};
    EventPtr poll(event_new(
        base_.get(), -1, EV_PERSIST,
        [](evutil_socket_t, short, void* context) {
          auto* run = static_cast<Run*>(context);
          if (run->done()) {
            run->held = true;
            event_base_loopbreak(run->base);
          }
        },
        &run));
    EventPtr deadline(evtimer_new(
        base_.get(),
        [](evutil_socket_t, short, void* context) {
          event_base_loopbreak(static_cast<Run*>(context)->base);
        },
        &run));
    const timeval every_ms{0, 1000};
    const timeval bound{static_cast<time_t>(limit.count() / 1000),
                        static_cast<suseconds_t>(limit.count() % 1000 * 1000)};
    event_add(poll.get(), &every_ms);
    evtimer_add(deadline.get(), &bound);
    event_base_dispatch(base_.get());
    return run.held || done();
  }

  bool run_until_requests(size_t count) {
    return run_until([&] { return backend_.requests().size() >= count; });
  }

  std::vector<bool> verdicts_seen() const {
    std::vector<bool> out;
    for (const SeenRequest& request : backend_.requests()) {
      out.push_back(request.down_when_asked);
    }
    return out;
  }

  int added_events() const {
    return event_base_get_num_events(base_.get(), EVENT_BASE_COUNT_ADDED);
  }

  static std::unique_ptr<SharedStateRegistry> make_registry() {
    std::string error;
    auto registry = SharedStateRegistry::create(SharedTableSize{32, 1}, error);
    EXPECT_NE(registry, nullptr) << error;
    return registry;
  }

  static constexpr uint32_t kSlot = 0;
  EventBasePtr base_{event_base_new()};
  BlockPool blocks_;
  ParserLimits pool_limits_;
  PoolResources pool_resources_{base_.get(), &blocks_, &pool_limits_};
  std::unique_ptr<SharedStateRegistry> registry_ = make_registry();
  TestBackend backend_{base_.get(), registry_->table().slot(kSlot)};
  Config config_;
  std::unique_ptr<UpstreamRuntime> runtime_;
  std::unique_ptr<HealthChecker> checker_;
};

TEST_F(HealthCheckerTest, FirstProbeStartsAtOnceWithTheConfiguredRequest) {
  check().interval = 10s;  // a first probe that waited for the interval would miss the deadline
  check().timeout = 1s;
  start_checker();
  ASSERT_TRUE(run_until_requests(1));
  const MessageHead& head = backend_.requests()[0].head;
  EXPECT_EQ(head.method, "GET");
  EXPECT_EQ(head.target, "/health?deep=1");
  EXPECT_TRUE(head.is_http11_or_later());
  ASSERT_NE(head.headers.find("host"), nullptr);
  EXPECT_EQ(head.headers.find("host")->value, backend_.address().to_string());
  ASSERT_NE(head.headers.find("user-agent"), nullptr);
  EXPECT_EQ(head.headers.find("user-agent")->value, "relay7-health-check");
  ASSERT_NE(head.headers.find("connection"), nullptr);
  EXPECT_EQ(head.headers.find("connection")->value, "close");
  EXPECT_EQ(head.headers.size(), 3u);
}

TEST_F(HealthCheckerTest, HealthyServerStaysUp) {
  backend_.answer(response_with_status(200));
  start_checker();
  ASSERT_TRUE(run_until_requests(5));
  EXPECT_EQ(verdicts_seen(), std::vector<bool>(5, false));
}

TEST_F(HealthCheckerTest, ErrorStatusTakesTheServerDownAfterFallProbes) {
  backend_.answer(response_with_status(503));
  start_checker();
  // Each probe ends (with its response) long before the next starts, so the verdict each request
  // finds is exact: up for the first `fall`, down from then on.
  ASSERT_TRUE(run_until_requests(kFall + 2));
  EXPECT_EQ(verdicts_seen(), (std::vector<bool>{false, false, true, true}));
}

TEST_F(HealthCheckerTest, StatusRangeIsTheConfiguredOne) {
  check().expect_status_min = 200;
  check().expect_status_max = 299;
  backend_.answer(response_with_status(302));
  start_checker();
  ASSERT_TRUE(run_until_requests(kFall + 1));
  EXPECT_EQ(verdicts_seen(), (std::vector<bool>{false, false, true}));
}

TEST_F(HealthCheckerTest, InterimResponsesAreSkipped) {
  backend_.answer("HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n" +
                  response_with_status(204));
  start_checker();
  ASSERT_TRUE(run_until_requests(kFall + 2));
  EXPECT_EQ(verdicts_seen(), std::vector<bool>(kFall + 2, false));
}

TEST_F(HealthCheckerTest, InvalidResponseTakesTheServerDown) {
  backend_.answer("SMTP ready\r\n\r\n");
  start_checker();
  EXPECT_TRUE(run_until([&] { return down(); }));
}

TEST_F(HealthCheckerTest, ServerClosingAtOnceGoesDown) {
  backend_.set_mode(TestBackend::Mode::close_at_once);
  start_checker();
  EXPECT_TRUE(run_until([&] { return down(); }));
  EXPECT_GE(backend_.accepted(), kFall);
}

TEST_F(HealthCheckerTest, SilentServerTimesOutThenComesBackAfterRiseProbes) {
  backend_.set_mode(TestBackend::Mode::silent);
  start_checker();
  ASSERT_TRUE(run_until([&] { return down(); }));
  EXPECT_GE(backend_.requests().size(), kFall);

  backend_.answer(response_with_status(200));
  const size_t asked_while_silent = backend_.requests().size();
  ASSERT_TRUE(run_until([&] { return !down(); }));
  EXPECT_GE(backend_.requests().size() - asked_while_silent, kRise);
}

TEST_F(HealthCheckerTest, RefusedConnectionTakesTheServerDown) {
  point_at(closed_port());
  start_checker();
  EXPECT_TRUE(run_until([&] { return down(); }));
}

TEST_F(HealthCheckerTest, StopCancelsEveryProbeAndTimer) {
  backend_.set_mode(TestBackend::Mode::silent);  // so that a probe is in flight
  const int before = added_events();
  start_checker();
  ASSERT_TRUE(run_until_requests(1));
  checker_->stop();
  checker_->stop();
  // Once the backend has seen the probe's connection close, only its listener is left.
  ASSERT_TRUE(run_until([&] { return backend_.open_connections() == 0; }));
  EXPECT_EQ(added_events(), before);
  EXPECT_EQ(backend_.requests().size(), 1u);
}

TEST_F(HealthCheckerTest, UpstreamWithoutHealthCheckIsNotProbed) {
  config_.upstreams[0].health_check.reset();
  const int before = added_events();
  start_checker();
  EXPECT_EQ(added_events(), before);
}

TEST_F(HealthCheckerTest, ServerMarkedDownIsNotProbed) {
  config_.upstreams[0].servers[0].down = true;
  const int before = added_events();
  start_checker();
  EXPECT_EQ(added_events(), before);
}

// A name's addresses come and go while the checker runs: it probes the ones there are, with the
// name as the Host.
TEST_F(HealthCheckerTest, FollowsTheMembersOfANameAsTheyComeAndGo) {
  UpstreamServerConfig& server = config_.upstreams[0].servers[0];
  server.name = "probe.test";
  server.port = backend_.address().port();
  server.address_text = "probe.test:" + std::to_string(server.port);
  backend_.answer(response_with_status(200));
  start_checker();
  ASSERT_TRUE(run_until_requests(1));
  ASSERT_NE(backend_.requests()[0].head.headers.find("host"), nullptr);
  EXPECT_EQ(backend_.requests()[0].head.headers.find("host")->value, server.address_text);

  const std::string key = registry_->names().begin()->first;
  registry_->publish(key, {});
  ASSERT_TRUE(runtime_->refresh_members());
  checker_->sync();
  // Once the probe under way (if any) is over, no new one starts: several intervals pass.
  run_until([] { return false; }, 60ms);
  const size_t asked = backend_.requests().size();
  run_until([] { return false; }, 200ms);
  EXPECT_EQ(backend_.requests().size(), asked);

  registry_->publish(key, {backend_.address()});
  ASSERT_TRUE(runtime_->refresh_members());
  checker_->sync();
  EXPECT_TRUE(run_until_requests(asked + 2));
}

}  // namespace
}  // namespace relay7
