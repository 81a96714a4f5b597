#include "load_client.h"

#include "backend_json.h"
#include "http_connection.h"
#include "tls_connection.h"

namespace relay7::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kKeptFailureMessages = 10;

// One client's connection, plain or TLS, with what the load loop needs of it.
class ClientConnection {
 public:
  explicit ClientConnection(bool tls) : tls_(tls) {}

  bool connected() const { return tls_ ? secure_.connected() : plain_.connected(); }
  bool open(uint16_t port) {
    if (tls_) {
      return secure_.connect(port);
    }
    if (!plain_.connect(port)) {
      return false;
    }
    plain_.set_timeout(std::chrono::seconds(10));
    return true;
  }
  bool send(const std::string& request) {
    return tls_ ? secure_.send(request) : plain_.send_raw(request);
  }
  std::optional<HttpResponse> read_response() {
    return tls_ ? secure_.read_response() : plain_.read_response();
  }
  void close() { tls_ ? secure_.close() : plain_.close(); }
  const std::string& last_error() const {
    return tls_ ? secure_.last_error() : plain_.last_error();
  }

 private:
  bool tls_;
  HttpConnection plain_;
  TlsConnection secure_;
};

}  // namespace

LoadClient::LoadClient(uint16_t port, Options options) : port_(port), options_(std::move(options)) {
  for (size_t i = 0; i < options_.connections; ++i) {
    threads_.emplace_back([this, i] { run_client(i); });
  }
}

LoadClient::~LoadClient() {
  stop();
}

LoadResult LoadClient::stop() {
  stopping_ = true;
  for (std::thread& thread : threads_) {
    if (thread.joinable()) {
      thread.join();
    }
  }
  std::lock_guard lock(mutex_);
  return result_;
}

void LoadClient::record_failure(const std::string& message) {
  std::lock_guard lock(mutex_);
  ++result_.failures;
  if (result_.failure_messages.size() < kKeptFailureMessages) {
    result_.failure_messages.push_back(message);
  }
}

void LoadClient::run_client(size_t index) {
  const auto deadline = Clock::now() + options_.max_duration;
  std::vector<LoadSample> samples;
  ClientConnection connection(options_.tls);
  uint64_t serial = 0;
  Clock::time_point connected;
  const std::string request = format_request(
      "GET", options_.path, {{"Connection", options_.keep_alive ? "keep-alive" : "close"}});
  while (!stopping_ && Clock::now() < deadline) {
    if (!connection.connected()) {
      connected = Clock::now();
      if (!connection.open(port_)) {
        record_failure("connect: " + connection.last_error());
        continue;
      }
      ++serial;
    }
    LoadSample sample;
    sample.connected = connected;
    sample.sent = Clock::now();
    sample.connection = index;
    sample.connection_serial = serial;
    if (!connection.send(request)) {
      record_failure("send: " + connection.last_error());
      connection.close();
      continue;
    }
    const auto response = connection.read_response();
    sample.answered = Clock::now();
    if (!response) {
      record_failure("response: " + connection.last_error());
      connection.close();
      continue;
    }
    sample.status = response->status;
    if (sample.status != 200) {
      record_failure("status " + std::to_string(sample.status));
    }
    sample.connection_close = has_token(response->header("Connection"), "close");
    const auto echo = parse_echo(*response);
    if (echo.is_object() && echo.contains("server")) {
      sample.server = echo["server"].get<std::string>();
    }
    if (sample.connection_close || !options_.keep_alive) {
      connection.close();
    }
    samples.push_back(std::move(sample));
    ++answered_;
  }
  std::lock_guard lock(mutex_);
  result_.requests += samples.size();
  result_.samples.insert(result_.samples.end(), samples.begin(), samples.end());
}

}  // namespace relay7::testing
