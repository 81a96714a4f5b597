#include "h2_load_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace relay7::testing {
namespace {

using Clock = std::chrono::steady_clock;

class Totals {
 public:
  void add(const H2LoadResult& part) {
    const std::lock_guard<std::mutex> lock(mutex_);
    result_.completed += part.completed;
    result_.failed += part.failed;
    result_.retried += part.retried;
    result_.goaways += part.goaways;
    result_.connections += part.connections;
    for (const std::string& message : part.failure_messages) {
      if (result_.failure_messages.size() < 5) {
        result_.failure_messages.push_back(message);
      }
    }
  }
  H2LoadResult result() const { return result_; }

 private:
  std::mutex mutex_;
  H2LoadResult result_;
};

int connect_to(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return -1;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// One connection's streams: their statuses, and what became of them.
struct Connection {
  H2LoadResult counts;
  std::map<int32_t, int> statuses;
  bool goaway = false;
  size_t to_retry = 0;

  void fail(const std::string& message, uint64_t streams = 1) {
    counts.failed += streams;
    if (counts.failure_messages.size() < 5) {
      counts.failure_messages.push_back(message);
    }
  }
};

int on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name, size_t name_length,
              const uint8_t* value, size_t value_length, uint8_t, void* self) {
  if (frame->hd.type == NGHTTP2_HEADERS &&
      std::string_view(reinterpret_cast<const char*>(name), name_length) == ":status") {
    static_cast<Connection*>(self)->statuses[frame->hd.stream_id] =
        std::atoi(std::string(reinterpret_cast<const char*>(value), value_length).c_str());
  }
  return 0;
}

int on_frame(nghttp2_session*, const nghttp2_frame* frame, void* self) {
  if (frame->hd.type == NGHTTP2_GOAWAY) {
    auto* connection = static_cast<Connection*>(self);
    connection->goaway = true;
    ++connection->counts.goaways;
    if (frame->goaway.error_code != NGHTTP2_NO_ERROR) {
      connection->fail("GOAWAY " + std::to_string(frame->goaway.error_code), 0);
    }
  }
  return 0;
}

// nghttp2 closes the streams a GOAWAY did not take with REFUSED_STREAM itself.
int on_close(nghttp2_session*, int32_t stream_id, uint32_t error_code, void* self) {
  auto* connection = static_cast<Connection*>(self);
  const int status = connection->statuses[stream_id];
  connection->statuses.erase(stream_id);
  if (error_code == NGHTTP2_REFUSED_STREAM) {
    ++connection->counts.retried;
    ++connection->to_retry;
  } else if (error_code == NGHTTP2_NO_ERROR && status == 200) {
    ++connection->counts.completed;
  } else {
    connection->fail("stream " + std::to_string(stream_id) + ": status " + std::to_string(status) +
                     ", error " + nghttp2_http2_strerror(error_code));
  }
  return 0;
}

bool running(const H2LoadOptions& options, Clock::time_point deadline) {
  return Clock::now() < deadline && (options.stop == nullptr || !options.stop->load());
}

struct SessionDeleter {
  void operator()(nghttp2_session* session) const { nghttp2_session_del(session); }
};

bool write_all(int fd, const uint8_t* data, size_t length) {
  while (length > 0) {
    const ssize_t n = ::send(fd, data, length, MSG_NOSIGNAL);
    if (n <= 0) {
      return false;
    }
    data += n;
    length -= static_cast<size_t>(n);
  }
  return true;
}

// Runs one connection until it ends; returns false when it could not be opened.
bool run_connection(const H2LoadOptions& options, Clock::time_point deadline,
                    Connection& connection, nghttp2_session_callbacks* callbacks) {
  const int fd = connect_to(options.port);
  if (fd < 0) {
    connection.fail("connect: " + std::string(std::strerror(errno)), connection.to_retry);
    connection.to_retry = 0;
    return false;
  }
  ++connection.counts.connections;
  connection.goaway = false;
  nghttp2_session* raw = nullptr;
  nghttp2_session_client_new(&raw, callbacks, &connection);
  const std::unique_ptr<nghttp2_session, SessionDeleter> session(raw);
  nghttp2_submit_settings(raw, NGHTTP2_FLAG_NONE, nullptr, 0);
  const std::string authority = "127.0.0.1:" + std::to_string(options.port);
  const auto field = [](std::string_view name, std::string_view value) {
    return nghttp2_nv{reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
                      reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(),
                      value.size(), NGHTTP2_NV_FLAG_NONE};
  };
  const nghttp2_nv request[] = {field(":method", "GET"), field(":scheme", "http"),
                                field(":authority", authority), field(":path", options.path)};
  size_t open = 0;
  bool ok = true;
  while (ok) {
    open = connection.statuses.size();
    while (!connection.goaway && open < options.streams &&
           (running(options, deadline) || connection.to_retry > 0)) {
      const int32_t id = nghttp2_submit_request(raw, nullptr, request, 4, nullptr, nullptr);
      if (id < 0) {
        break;
      }
      connection.statuses[id] = 0;
      ++open;
      if (connection.to_retry > 0) {
        --connection.to_retry;
      }
    }
    const uint8_t* data = nullptr;
    for (ssize_t n; (n = nghttp2_session_mem_send(raw, &data)) > 0;) {
      if (!write_all(fd, data, static_cast<size_t>(n))) {
        ok = false;
        break;
      }
    }
    if (!nghttp2_session_want_read(raw) && !nghttp2_session_want_write(raw)) {
      break;
    }
    if (connection.statuses.empty() && (connection.goaway || !running(options, deadline)) &&
        connection.to_retry == 0) {
      break;
    }
    pollfd readable{fd, POLLIN, 0};
    if (::poll(&readable, 1, 10000) <= 0) {
      ok = false;
      break;
    }
    uint8_t buffer[16384];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0 || nghttp2_session_mem_recv(raw, buffer, static_cast<size_t>(n)) < 0) {
      ok = false;
    }
  }
  if (!connection.statuses.empty()) {
    connection.fail(
        "connection ended with " + std::to_string(connection.statuses.size()) + " stream(s) open",
        connection.statuses.size());
    connection.statuses.clear();
  }
  ::close(fd);
  return true;
}

}  // namespace

H2LoadResult run_h2_load(const H2LoadOptions& options) {
  nghttp2_session_callbacks* callbacks = nullptr;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, on_header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, on_frame);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, on_close);
  Totals totals;
  const Clock::time_point deadline = Clock::now() + options.duration;
  std::vector<std::thread> threads;
  for (size_t i = 0; i < options.connections; ++i) {
    threads.emplace_back([&] {
      Connection connection;
      // Retries still pending 20 s past the duration fail: a server that refuses everything
      // must not keep the test running.
      const Clock::time_point started = Clock::now();
      while ((running(options, deadline) || connection.to_retry > 0) &&
             Clock::now() < std::max(deadline, started) + std::chrono::seconds(20)) {
        if (!run_connection(options, deadline, connection, callbacks)) {
          break;
        }
      }
      if (connection.to_retry > 0) {
        connection.fail("refused streams never taken", connection.to_retry);
      }
      totals.add(connection.counts);
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  nghttp2_session_callbacks_del(callbacks);
  return totals.result();
}

}  // namespace relay7::testing
