#include "relay7/upstream/health_checker.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include "relay7/event/handles.h"
#include "relay7/http/message_parser.h"
#include "relay7/transport/transport.h"
#include "relay7/transport/upstream_connect.h"
#include "relay7/upstream/passive_health.h"

namespace relay7 {
namespace {

timeval timeval_of(Duration duration) {
  return timeval{static_cast<time_t>(duration.count() / 1000),
                 static_cast<suseconds_t>((duration.count() % 1000) * 1000)};
}

// Only at construction, where running out of memory may throw.
EventPtr new_timer(event_base* base, event_callback_fn callback, void* context) {
  EventPtr timer(evtimer_new(base, callback, context));
  if (!timer) {
    throw std::bad_alloc();
  }
  return timer;
}

// Host is the server as written: a name's backends expect their name, whichever address answers.
std::string probe_request(const HealthCheckConfig& check, const UpstreamServerConfig& server) {
  return fmt::format(
      "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: relay7-health-check\r\nConnection: close\r\n\r\n",
      check.path, server.address_text);
}

// Why the last probe failed, in a fixed buffer: a failing probe neither allocates nor throws
// (it runs inside libevent callbacks), and a long reason is cut rather than grown into.
class FailureText {
 public:
  template <typename... Args>
  void set(fmt::format_string<Args...> format, Args&&... args) {
    const auto result =
        fmt::format_to_n(text_.data(), text_.size(), format, std::forward<Args>(args)...);
    length_ = std::min(result.size, text_.size());
  }
  std::string_view view() const { return {text_.data(), length_}; }

 private:
  std::array<char, 160> text_{};
  size_t length_ = 0;
};

}  // namespace

ProbeTransition record_probe(ServerSlot& slot, bool success, const HealthCheckConfig& check) {
  const bool down = slot.probe_down.load(std::memory_order_relaxed);
  const bool agrees = success != down;
  if (agrees) {
    // Any streak against the state is broken. Load first, so that a steady server's slot is not
    // written on every probe.
    if (slot.probe_streak.load(std::memory_order_relaxed) != 0) {
      slot.probe_streak.store(0, std::memory_order_relaxed);
    }
    return ProbeTransition::none;
  }
  const uint32_t streak = slot.probe_streak.load(std::memory_order_relaxed) + 1;
  if (streak < (down ? check.rise : check.fall)) {
    slot.probe_streak.store(streak, std::memory_order_relaxed);
    return ProbeTransition::none;
  }
  slot.probe_streak.store(0, std::memory_order_relaxed);
  slot.probe_down.store(!down, std::memory_order_relaxed);
  return down ? ProbeTransition::came_up : ProbeTransition::went_down;
}

// One server's probes, over the same Transport as proxied traffic. Everything a probe needs but
// its connection is made here, once: the request bytes, the parser, both timers.
class HealthChecker::ServerProbe final : public MessageParser::Handler, public TransportOwner {
 public:
  ServerProbe(event_base* base, BlockPool& blocks, const UpstreamConfig& upstream,
              const UpstreamMember& member, const ParserLimits& limits)
      : base_(base),
        upstream_name_(upstream.name),
        address_text_(member.identity),
        address_(member.address),
        tls_(member.pool->tls_peer()),
        check_(*upstream.health_check),
        interval_(timeval_of(check_.interval)),
        timeout_(timeval_of(check_.timeout)),
        slot_(*member.slot),
        request_(probe_request(check_, upstream.servers[member.server])),
        parser_(MessageType::response, *this, limits),
        output_(blocks),
        input_(blocks),
        due_timer_(new_timer(base, &ServerProbe::on_due, this)),
        timeout_timer_(new_timer(base, &ServerProbe::on_timeout, this)) {}

  ServerProbe(const ServerProbe&) = delete;
  ServerProbe& operator=(const ServerProbe&) = delete;

  void start() {
    static constexpr timeval kNow{0, 0};
    evtimer_add(due_timer_.get(), &kNow);
  }

  void stop() {
    evtimer_del(due_timer_.get());
    evtimer_del(timeout_timer_.get());
    connection_.reset();
  }

  AfterHead on_head(MessageHead& head, const BodyFraming&) override {
    if (head.status < 200 && head.status != 101) {
      return AfterHead::read_body;  // interim (100, 103): the parser ends it with its head
    }
    status_ = head.status;
    return AfterHead::pause;  // the head is all a probe needs; the body is never read
  }
  void on_body(const char*, size_t) override {}
  bool on_message_end() override { return false; }

 private:
  static void on_due(evutil_socket_t, short, void* context) noexcept {
    static_cast<ServerProbe*>(context)->begin();
  }

  static void on_timeout(evutil_socket_t, short, void* context) noexcept {
    static_cast<ServerProbe*>(context)->fail_timed_out();
  }

  void on_transport_event(Transport& transport, TransportEvent event) override {
    if (event == TransportEvent::writable) {
      if (!connected_) {
        const int error = transport.finish_connect();
        if (error == EINPROGRESS) {
          return;  // a TLS handshake goes on
        }
        if (error != 0) {
          failure_.set("connect failed: {}", transport.describe_error(error));
          conclude(false);
          return;
        }
        connected_ = true;
      }
      send(transport);
    } else if (event == TransportEvent::readable) {
      receive(transport);
    }
    // No per-direction timeouts are asked for: timeout_timer_ bounds the whole probe.
  }

  void begin() {
    if (connection_) {
      // Only when timeout equals interval and both timers expired in the same turn: the probe
      // had its whole time.
      fail_timed_out();
    }
    evtimer_add(due_timer_.get(), &interval_);
    status_ = 0;
    connected_ = false;
    parser_.reset();
    if (!connect()) {
      conclude(false);
      return;
    }
    // One bound for the whole probe, connect included.
    evtimer_add(timeout_timer_.get(), &timeout_);
  }

  bool connect() {
    connection_ = connect_upstream(base_, address_, tls_);
    if (!connection_) {
      failure_.set("cannot create a socket: {}", std::strerror(errno));
      return false;
    }
    connection_->set_owner(this);
    output_.clear();
    input_.clear();
    output_.append(request_);
    // Writable once the connect is done, failed ones included (finish_connect tells which).
    connection_->watch_write(true);
    connection_->watch_read(true);
    return true;
  }

  void send(Transport& transport) {
    const WriteResult result = transport.write(output_);
    if (result.status == WriteResult::Status::error) {
      failure_.set("connection failed: {}", std::strerror(result.error));
      conclude(false);
    } else if (output_.empty()) {
      transport.watch_write(false);
    }
  }

  // A head is small: the parser fails it beyond the response_head limit, so a probe reads at
  // most that much (plus one read) before it is judged.
  void receive(Transport& transport) {
    const ReadResult read = transport.read(input_, BlockPool::kBlockSize);
    switch (read.status) {
      case ReadResult::Status::would_block:
        return;
      case ReadResult::Status::end_of_stream:
        failure_.set("connection closed before a complete response head");
        conclude(false);
        return;
      case ReadResult::Status::error:
        failure_.set("{}: {}", connected_ ? "connection failed" : "connect failed",
                     transport.describe_error(read.error));
        conclude(false);
        return;
      case ReadResult::Status::data:
        parse_input();
        return;
    }
  }

  void parse_input() {
    while (!input_.empty()) {
      const std::string_view bytes = input_.front();
      const MessageParser::Result result = parser_.feed(bytes.data(), bytes.size());
      switch (result.status) {
        case MessageParser::Status::need_more:
          input_.consume(bytes.size());
          continue;
        case MessageParser::Status::paused:
          judge_status();
          return;
        case MessageParser::Status::upgrade:  // never asked for; on_head pauses before any
        case MessageParser::Status::error:
          if (parser_.head_limit() != HeadLimit::none) {
            failure_.set("response head too large");
          } else {
            failure_.set("invalid response: {}", parser_.error_reason());
          }
          conclude(false);
          return;
      }
    }
  }

  void judge_status() {
    const bool success = status_ >= check_.expect_status_min && status_ <= check_.expect_status_max;
    if (!success) {
      failure_.set("status {}", status_);
    }
    conclude(success);
  }

  void fail_timed_out() {
    failure_.set("no response head within {} ms", check_.timeout.count());
    conclude(false);
  }

  void conclude(bool success) {
    connection_.reset();
    output_.clear();  // their blocks go back until the next probe
    input_.clear();
    evtimer_del(timeout_timer_.get());
    if (!success) {
      spdlog::debug("upstream \"{}\" server {} failed a health check: {}", upstream_name_,
                    address_text_, failure_.view());
    }
    switch (record_probe(slot_, success, check_)) {
      case ProbeTransition::went_down:
        spdlog::warn("upstream \"{}\" server {} is down: {} health checks failed (last: {})",
                     upstream_name_, address_text_, check_.fall, failure_.view());
        return;
      case ProbeTransition::came_up:
        // The probes have just shown it healthy: failures of real requests from before it went
        // down no longer keep it out.
        record_success(slot_);
        spdlog::info("upstream \"{}\" server {} is up: {} health checks passed", upstream_name_,
                     address_text_, check_.rise);
        return;
      case ProbeTransition::none:
        return;
    }
  }

  event_base* base_;
  std::string upstream_name_;
  std::string address_text_;
  SocketAddress address_;
  std::shared_ptr<TlsPeer> tls_;  // set: probes speak TLS, as requests to the server do
  HealthCheckConfig check_;
  timeval interval_;
  timeval timeout_;
  ServerSlot& slot_;
  std::string request_;
  MessageParser parser_;
  IoBuffer output_;                        // the request, until the socket has taken it
  IoBuffer input_;                         // the response, until parsed
  EventPtr due_timer_;                     // the next probe
  EventPtr timeout_timer_;                 // the probe in flight
  std::unique_ptr<Transport> connection_;  // set while a probe is in flight
  bool connected_ = false;
  int status_ = 0;  // the final response's status, once its head is in
  FailureText failure_;
};

HealthChecker::HealthChecker(event_base* base, const ParserLimits& limits,
                             std::vector<UpstreamRuntime*> upstreams)
    : base_(base), limits_(limits), upstreams_(std::move(upstreams)) {
  sync();
}

HealthChecker::~HealthChecker() {
  stop();
}

bool HealthChecker::probed(size_t upstream, size_t member, const std::string& identity) const {
  return std::any_of(probes_.begin(), probes_.end(), [&](const Probed& probed) {
    return probed.upstream == upstream && probed.member == member && probed.identity == identity;
  });
}

void HealthChecker::sync() {
  // A probe whose member left, or whose index a new member took, goes; its timers and
  // connection go with it.
  std::erase_if(probes_, [&](const Probed& probed) {
    const UpstreamMember& member = upstreams_[probed.upstream]->members()[probed.member];
    return !member.live || member.identity != probed.identity;
  });
  for (size_t u = 0; u < upstreams_.size(); ++u) {
    const UpstreamConfig& upstream = upstreams_[u]->config();
    if (!upstream.health_check) {
      continue;
    }
    const UpstreamMembers& members = upstreams_[u]->members();
    for (size_t m = 0; m < members.size(); ++m) {
      const UpstreamMember& member = members[m];
      if (!member.live || upstream.servers[member.server].down || probed(u, m, member.identity)) {
        continue;
      }
      auto probe = std::make_unique<ServerProbe>(base_, blocks_, upstream, member, limits_);
      if (running_) {
        probe->start();
      }
      probes_.push_back(Probed{u, m, member.identity, std::move(probe)});
    }
  }
}

void HealthChecker::start() {
  running_ = true;
  for (const Probed& probed : probes_) {
    probed.probe->start();
  }
}

void HealthChecker::stop() {
  running_ = false;
  for (const Probed& probed : probes_) {
    probed.probe->stop();
  }
}

}  // namespace relay7
