// The master's own duties: shutdown, pid file, titles, privileges, log reopening, and staying the
// same size however often it reloads. Crash recovery is in crash_recovery_test.cpp.
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "relay7/process/pid_file.h"
#include "support/demo_backend.h"
#include "support/http_connection.h"
#include "support/paths.h"
#include "support/ports.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"
#include "support/temp_dir.h"
#include "support/test_certificates.h"
#include "support/tls_connection.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;

std::string read_proc(pid_t pid, const std::string& name) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/" + name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The value of a "Name:\tvalue" line of /proc/PID/status, e.g. "Uid".
std::string proc_status_field(pid_t pid, const std::string& field) {
  std::istringstream lines(read_proc(pid, "status"));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with(field + ":")) {
      return line.substr(field.size() + 1);
    }
  }
  return "";
}

char process_state(pid_t pid) {
  const std::string stat = read_proc(pid, "stat");
  const size_t paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() ? '\0' : stat[paren + 2];
}

nlohmann::json config_for(const DemoBackend& backend, unsigned workers) {
  nlohmann::json config = single_upstream_config({backend.port()});
  config["workers"] = workers;
  return config;
}

TEST(MasterProcessTest, ShowsEachRoleInPs) {
  DemoBackend backend;
  Relay7Process relay(config_for(backend, 2));
  ASSERT_TRUE(wait_for_reloads(relay, 0, 10s));
  ASSERT_TRUE(wait_for_worker_count(relay, 2, 10s));
  EXPECT_TRUE(read_proc(relay.pid(), "cmdline")
                  .starts_with("relay7: master process " + relay.config_path().string()));
  for (pid_t worker : relay.descendant_pids()) {
    EXPECT_TRUE(read_proc(worker, "cmdline").starts_with("relay7: worker process"));
  }
}

TEST(MasterProcessTest, QuitLetsARequestInFlightFinish) {
  DemoBackend backend;
  Relay7Process relay(config_for(backend, 1));
  HttpConnection slow;
  ASSERT_TRUE(slow.connect(relay.port()));
  ASSERT_TRUE(slow.send_request("GET", "/slow?delay_ms=1000&bytes=50000"));
  ASSERT_TRUE(eventually([&] { return backend.requests().size() == 1; }, 5s));
  const std::string pid_file = relay.config()["pid_file"];
  ASSERT_TRUE(std::filesystem::exists(pid_file));

  ASSERT_TRUE(relay.process().send_signal(SIGQUIT));
  const auto response = slow.read_response();
  ASSERT_TRUE(response) << slow.last_error();
  EXPECT_EQ(response->body, demo_pattern(50000));
  const auto status = relay.process().wait_exit(10s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe_wait_status(*status);
  EXPECT_FALSE(std::filesystem::exists(pid_file));
}

TEST(MasterProcessTest, TermStopsAtOnce) {
  DemoBackend backend;
  Relay7Process relay(config_for(backend, 2));
  HttpConnection slow;
  ASSERT_TRUE(slow.connect(relay.port()));
  ASSERT_TRUE(slow.send_request("GET", "/slow?delay_ms=20000"));
  ASSERT_TRUE(eventually([&] { return backend.requests().size() == 1; }, 5s));
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(relay.process().send_signal(SIGTERM));
  const auto status = relay.process().wait_exit(10s);
  ASSERT_TRUE(status);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_TRUE(slow.is_closed_by_peer(1s));
}

TEST(MasterProcessTest, HundredReloadsLeakNothing) {
  DemoBackend backend;
  Relay7Process relay(config_for(backend, 1));
  const auto reload_times = [&](uint64_t from, int count) {
    for (int i = 1; i <= count; ++i) {
      relay.reload_with(relay.config());
      ASSERT_TRUE(wait_for_reloads(relay, from + i, 15s)) << relay.stderr_text();
    }
  };
  reload_times(0, 5);
  ASSERT_TRUE(wait_for_worker_count(relay, 1, 10s));
  const size_t descriptors = open_descriptor_count(relay.pid());
  const uint64_t rss = rss_bytes(relay.pid()).value_or(0);

  reload_times(5, 100);
  ASSERT_TRUE(wait_for_worker_count(relay, 1, 10s));
  EXPECT_EQ(open_descriptor_count(relay.pid()), descriptors);
  // AddressSanitizer's quarantine keeps freed memory out of reuse, so RSS grows with every
  // reload's frees (about 3 MiB per 100 reloads); LeakSanitizer checks for real leaks there.
#ifdef __SANITIZE_ADDRESS__
  constexpr uint64_t kRssSlack = 16 * 1024 * 1024;
#else
  constexpr uint64_t kRssSlack = 512 * 1024;
#endif
  EXPECT_LT(rss_bytes(relay.pid()).value_or(0), rss + kRssSlack) << "RSS before: " << rss;
  for (pid_t child : relay.descendant_pids()) {
    EXPECT_NE(process_state(child), 'Z') << "zombie " << child;
  }
  EXPECT_EQ(http_get(relay.port(), "/after").status, 200);
}

TEST(MasterProcessTest, WorkersLeaveWhenTheMasterDies) {
  DemoBackend backend;
  Relay7Process relay(config_for(backend, 2));
  ASSERT_TRUE(wait_for_worker_count(relay, 2, 10s));
  const std::vector<pid_t> workers = relay.descendant_pids();
  ASSERT_TRUE(relay.process().send_signal(SIGKILL));
  ASSERT_TRUE(relay.process().wait_exit(5s));
  for (pid_t worker : workers) {
    EXPECT_TRUE(eventually(
        [&] {
          const char state = process_state(worker);
          return state == '\0' || state == 'Z';
        },
        10s))
        << "worker " << worker << " outlived its master";
  }
}

TEST(PidFileTest, ASecondMasterRefusesAndAStaleFileIsTakenOver) {
  DemoBackend backend;
  Relay7Process relay(config_for(backend, 1));
  TempDir dir("relay7-second");
  nlohmann::json second = listen_on(relay.config(), free_port());
  write_file(dir.file("relay7.json"), second.dump());
  ChildProcess refused({relay7_binary(), "-c", dir.file("relay7.json").string()});
  const auto status = refused.wait_exit(10s);
  ASSERT_TRUE(status);
  EXPECT_EQ(WEXITSTATUS(*status), 1);
  EXPECT_NE(refused.stderr_text().find("another relay7 master (pid " + std::to_string(relay.pid()) +
                                       ") owns the pid file"),
            std::string::npos)
      << refused.stderr_text();

  // A pid file left by a master that died: a new master takes it over.
  second["pid_file"] = dir.file("stale.pid").string();
  write_file(dir.file("relay7.json"), second.dump());
  write_file(dir.file("stale.pid"), std::to_string(refused.pid()) + "\n");
  Relay7Process takeover([&](uint16_t port) { return listen_on(second, port); });
  EXPECT_TRUE(eventually(
      [&] { return read_pid_file(dir.file("stale.pid").string()) == takeover.pid(); }, 5s));
}

TEST(PrivilegesTest, WorkersRunAsTheConfiguredUser) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "dropping privileges needs root";
  }
  const passwd* nobody = ::getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  const uid_t nobody_uid = nobody->pw_uid;
  DemoBackend backend;
  TempDir logs("relay7-privileges");
  std::filesystem::permissions(logs.path(), std::filesystem::perms::all);
  nlohmann::json config = config_for(backend, 1);
  config["user"] = "nobody";
  config["access_log"] = {{"path", logs.file("access.log").string()}};
  Relay7Process relay(config);
  ASSERT_TRUE(wait_for_reloads(relay, 0, 10s));  // workers report ready after switching user
  ASSERT_TRUE(wait_for_worker_count(relay, 1, 10s));
  EXPECT_TRUE(proc_status_field(relay.pid(), "Uid").starts_with("\t0\t"));
  const std::string worker_uid = proc_status_field(relay.descendant_pids().front(), "Uid");
  EXPECT_TRUE(worker_uid.starts_with("\t" + std::to_string(nobody_uid) + "\t")) << worker_uid;
  EXPECT_EQ(http_get(relay.port(), "/as-nobody").status, 200);
  // The log file is the workers' own, so they can reopen it after a rotation.
  struct stat log_stat {};
  ASSERT_EQ(::stat(logs.file("access.log").c_str(), &log_stat), 0);
  EXPECT_EQ(log_stat.st_uid, nobody_uid);
}

// The master reads TLS keys before its workers switch user, at start and at every reload: a key
// only root can read serves, as with Debian's /etc/ssl/private, and the workers never open it.
TEST(PrivilegesTest, AKeyOnlyRootCanReadServesTlsWithWorkersAsNobody) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "dropping privileges needs root";
  }
  const passwd* nobody = ::getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  TempDir dir("relay7-root-key");
  const CertificateFiles files = make_certificate(dir.path(), "shop", {"shop.example"});
  std::filesystem::permissions(
      files.key, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  struct stat key_stat {};
  ASSERT_EQ(::stat(files.key.c_str(), &key_stat), 0);
  ASSERT_EQ(key_stat.st_uid, 0u);
  ASSERT_EQ(key_stat.st_mode & 077, 0u);
  nlohmann::json config = {
      {"user", "nobody"},
      {"workers", 1},
      {"servers",
       {{{"listen", {"127.0.0.1:0"}},
         {"tls",
          {{"certificates", {{{"cert", files.cert.string()}, {"key", files.key.string()}}}}}},
         {"locations", {{{"path", "/"}, {"return", 204}}}}}}}};
  Relay7Process relay(config);
  ASSERT_TRUE(wait_for_reloads(relay, 0, 10s)) << relay.stderr_text();
  ASSERT_TRUE(wait_for_worker_count(relay, 1, 10s));
  const std::string worker_uid = proc_status_field(relay.descendant_pids().front(), "Uid");
  EXPECT_TRUE(worker_uid.starts_with("\t" + std::to_string(nobody->pw_uid) + "\t")) << worker_uid;
  const auto answers = [&relay] {
    TlsConnection connection;
    return connection.connect(relay.port()) &&
           connection.send(format_request("GET", "/", {{"Host", "shop.example"}})) &&
           connection.read_response().value_or(HttpResponse{}).status == 204;
  };
  EXPECT_TRUE(answers());
  relay.reload_with(relay.config());
  const auto status = wait_for_reloads(relay, 1, 15s);
  ASSERT_TRUE(status && status->ok) << relay.stderr_text();
  EXPECT_TRUE(answers());
}

TEST(LogReopenTest, Usr1ReopensTheAccessLog) {
  DemoBackend backend;
  TempDir logs("relay7-logs");
  nlohmann::json config = config_for(backend, 1);
  config["access_log"] = {{"path", logs.file("access.log").string()}};
  Relay7Process relay(config);
  ASSERT_EQ(http_get(relay.port(), "/before-rotation").status, 200);
  ASSERT_TRUE(eventually(
      [&] {
        return read_file(logs.file("access.log")).find("/before-rotation") != std::string::npos;
      },
      5s));
  std::filesystem::rename(logs.file("access.log"), logs.file("access.log.1"));
  ASSERT_TRUE(relay.process().send_signal(SIGUSR1));
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(logs.file("access.log")); }, 5s));
  ASSERT_EQ(http_get(relay.port(), "/after-rotation").status, 200);
  EXPECT_TRUE(eventually(
      [&] {
        return read_file(logs.file("access.log")).find("/after-rotation") != std::string::npos;
      },
      5s));
  EXPECT_EQ(read_file(logs.file("access.log.1")).find("/after-rotation"), std::string::npos);
}

}  // namespace
}  // namespace relay7::testing
