// The Relay7Process test helper and the /proc readers next to it: later suites (master/worker,
// reload) lean on them, so their failure modes are pinned down here.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "relay7/net/unique_fd.h"
#include "support/child_process.h"
#include "support/http_connection.h"
#include "support/ports.h"
#include "support/relay7_process.h"
#include "support/tcp_sockets.h"
#include "support/temp_dir.h"

namespace {

using relay7::testing::Relay7Process;
using std::chrono::milliseconds;

nlohmann::json local_answer_config() {
  return nlohmann::json::parse(R"({
    "workers": 1,
    "servers": [{"listen": ["80"], "locations": [{"path": "/", "return": 204}]}]
  })");
}

// A listening socket on 127.0.0.1, holding its port until it goes away.
class OccupiedPort {
 public:
  OccupiedPort() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (!fd_.valid() || bind(fd_.get(), reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        listen(fd_.get(), 1) != 0 ||
        getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("cannot occupy a port");
    }
    port_ = ntohs(address.sin_port);
  }
  uint16_t port() const { return port_; }

 private:
  relay7::UniqueFd fd_{socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  uint16_t port_ = 0;
};

TEST(Relay7ProcessTest, ListensOnTheChosenPortWithThePidFileInItsDirectory) {
  Relay7Process relay(local_answer_config());
  EXPECT_EQ(relay.config()["servers"][0]["listen"],
            nlohmann::json::array({"127.0.0.1:" + std::to_string(relay.port())}));
  EXPECT_EQ(relay.config()["pid_file"],
            (relay.config_path().parent_path() / "relay7.pid").string());
  EXPECT_EQ(nlohmann::json::parse(relay7::testing::read_file(relay.config_path())), relay.config());
  const relay7::testing::HttpResponse response = relay7::testing::http_get(relay.port(), "/");
  EXPECT_EQ(response.status, 204) << response.reason;
}

TEST(Relay7ProcessTest, StartsAgainOnAnotherPortWhenTheFirstIsTaken) {
  const OccupiedPort taken;
  std::vector<uint16_t> offered;
  Relay7Process relay([&](uint16_t port) {
    offered.push_back(port);
    // The first attempt is made to collide, as a racing program would make it.
    return relay7::testing::listen_on(local_answer_config(),
                                      offered.size() == 1 ? taken.port() : port);
  });
  ASSERT_EQ(offered.size(), 2u);
  EXPECT_EQ(relay.port(), offered[1]);
  EXPECT_EQ(relay7::testing::http_get(relay.port(), "/").status, 204);
}

TEST(Relay7ProcessTest, ThrowsWithRelay7sOwnWordsWhenItCannotStart) {
  nlohmann::json config = local_answer_config();
  config["servers"][0]["locations"][0]["retirn"] = 403;
  try {
    Relay7Process relay(config);
    FAIL() << "relay7 started with an invalid config";
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("relay7 exited during startup (exited with status 1)"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find(R"(unknown key "retirn" (did you mean "return"?))"), std::string::npos)
        << message;
  }
}

TEST(Relay7ProcessTest, ReportsItsListeningSocket) {
  Relay7Process relay(local_answer_config());
  size_t listening = 0;
  for (const relay7::testing::TcpSocket& socket :
       relay7::testing::tcp_sockets_of(relay.all_pids())) {
    if (socket.listening() && socket.local_port == relay.port()) {
      EXPECT_EQ(socket.local_address, "127.0.0.1");
      ++listening;
    }
  }
  // Shared by the processes that inherited it, but one socket.
  EXPECT_GE(listening, 1u);
}

TEST(ProcTest, FindsEveryDescendant) {
  relay7::testing::ChildProcess shell(
      {"/bin/sh", "-c", "sleep 30 & (sleep 30 & wait) & echo started; wait"});
  ASSERT_TRUE(shell.wait_for_stdout("started", milliseconds(5000)));
  // sh -> sleep and sh -> subshell -> sleep: three descendants once all have forked.
  std::vector<pid_t> found;
  const auto deadline = std::chrono::steady_clock::now() + milliseconds(5000);
  while (found.size() < 3 && std::chrono::steady_clock::now() < deadline) {
    found = relay7::testing::descendant_pids(shell.pid());
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(found.size(), 3u);
  EXPECT_EQ(std::count(found.begin(), found.end(), shell.pid()), 0);
  // Stopping the shell would orphan the sleeps: end them by pid first.
  for (pid_t pid : found)
    kill(pid, SIGKILL);
}

TEST(ProcTest, ReadsTheResidentSetSize) {
  const std::optional<uint64_t> own = relay7::testing::rss_bytes(getpid());
  ASSERT_TRUE(own);
  EXPECT_GT(*own, 1024u * 1024u);
  EXPECT_EQ(relay7::testing::rss_bytes(0), std::nullopt);
}

}  // namespace
