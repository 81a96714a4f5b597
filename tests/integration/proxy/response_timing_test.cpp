// relay7 writes a small response in one writev, holding its head until the body follows; a head
// whose body has not arrived yet must still reach the client at once (server-sent events, long
// polls and slow backends start with their head).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <thread>

#include "relay7/net/unique_fd.h"
#include "support/http_connection.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"

namespace {

using relay7::UniqueFd;
using relay7::testing::HttpConnection;
using relay7::testing::Relay7Process;
using std::chrono::milliseconds;

constexpr std::string_view kHead = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";

// A backend for one request: it answers with a head, then sends the body only when told to.
class HeadFirstBackend {
 public:
  HeadFirstBackend() : listener_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    EXPECT_EQ(::bind(listener_.get(), reinterpret_cast<sockaddr*>(&address), length), 0);
    EXPECT_EQ(::listen(listener_.get(), 8), 0);
    ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this, go = send_body_.get_future()]() mutable { serve(go); });
  }
  ~HeadFirstBackend() {
    release();
    ::shutdown(listener_.get(), SHUT_RDWR);  // an accept still waiting returns
    thread_.join();
  }
  uint16_t port() const { return port_; }
  void release() {
    if (!released_) {
      released_ = true;
      send_body_.set_value();
    }
  }

 private:
  void serve(std::future<void>& go) {
    UniqueFd connection(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!connection.valid()) {
      return;
    }
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = ::recv(connection.get(), buffer, sizeof buffer, 0);
      if (n <= 0) {
        return;
      }
      request.append(buffer, static_cast<size_t>(n));
    }
    ::send(connection.get(), kHead.data(), kHead.size(), MSG_NOSIGNAL);
    go.wait();
    ::send(connection.get(), "hello", 5, MSG_NOSIGNAL);
    // Until relay7 closes or the test ends: the connection stays usable for relay7's pool.
    while (::recv(connection.get(), buffer, sizeof buffer, 0) > 0) {
    }
  }

  UniqueFd listener_;
  uint16_t port_ = 0;
  std::promise<void> send_body_;
  bool released_ = false;
  std::thread thread_;
};

TEST(ResponseTimingTest, AHeadReachesTheClientBeforeItsBodyExists) {
  HeadFirstBackend backend;
  Relay7Process relay(relay7::testing::single_upstream_config({backend.port()}));
  HttpConnection client;
  ASSERT_TRUE(client.connect(relay.port())) << client.last_error();
  ASSERT_TRUE(client.send_request("GET", "/events"));
  std::string received;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (received.find("\r\n\r\n") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    const std::optional<std::string> bytes = client.read_some(milliseconds(100));
    if (bytes && bytes->empty()) {
      break;  // closed
    }
    received += bytes.value_or("");
  }
  EXPECT_NE(received.find("HTTP/1.1 200"), std::string::npos)
      << "the head was held back while the body did not come: " << received;
  EXPECT_EQ(received.find("hello"), std::string::npos);
  backend.release();
  while (received.find("hello") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    const std::optional<std::string> bytes = client.read_some(milliseconds(100));
    if (bytes && bytes->empty()) {
      break;
    }
    received += bytes.value_or("");
  }
  EXPECT_NE(received.find("\r\n\r\nhello"), std::string::npos) << received;
}

}  // namespace
