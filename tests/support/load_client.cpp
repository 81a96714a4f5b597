#include "load_client.h"

#include "backend_json.h"
#include "http_connection.h"

namespace relay7::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kKeptFailureMessages = 10;

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
  HttpConnection connection;
  uint64_t serial = 0;
  Clock::time_point connected;
  const std::string connection_header = options_.keep_alive ? "keep-alive" : "close";
  while (!stopping_ && Clock::now() < deadline) {
    if (!connection.connected()) {
      connected = Clock::now();
      if (!connection.connect(port_)) {
        record_failure("connect: " + connection.last_error());
        continue;
      }
      connection.set_timeout(std::chrono::seconds(10));
      ++serial;
    }
    LoadSample sample;
    sample.connected = connected;
    sample.sent = Clock::now();
    sample.connection = index;
    sample.connection_serial = serial;
    if (!connection.send_request("GET", options_.path, {{"Connection", connection_header}})) {
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
