// Upstream servers given as host names: every address of a name takes traffic, and the master
// resolves the name again while relay7 runs, without a reload. Names come from a hosts file of
// the test's own ("resolver": {"hosts_file": ..., "nameservers": []}) or from dnsmasq on
// loopback: no lookup leaves the machine.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "support/backend_group.h"
#include "support/dns_server.h"
#include "support/http_connection.h"
#include "support/load_client.h"
#include "support/named_backends.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"
#include "support/temp_dir.h"

namespace {

using relay7::testing::BackendGroup;
using relay7::testing::eventually;
using relay7::testing::hosts_of;
using relay7::testing::HostsFile;
using relay7::testing::http_get;
using relay7::testing::HttpResponse;
using relay7::testing::NamedBackends;
using relay7::testing::Relay7Process;
using namespace std::chrono_literals;

constexpr const char* kName = "app.test";
constexpr int kUsers = 40;

class ResolvedNamesTest : public ::testing::Test {
 protected:
  // An upstream "pool" of the name app.test, resolved from hosts_ and again every second.
  nlohmann::json config(nlohmann::json upstream = nlohmann::json::object(),
                        unsigned workers = 2) const {
    upstream["servers"] = {std::string(kName) + ":" + std::to_string(backends_.port())};
    if (!upstream.contains("resolve")) {
      upstream["resolve"] = "1s";
    }
    nlohmann::json document = BackendGroup::config_with(upstream, workers);
    document["resolver"] = {{"hosts_file", hosts_.path().string()},
                            {"nameservers", nlohmann::json::array()}};
    return document;
  }

  size_t serve(const Relay7Process& relay, const relay7::testing::Headers& headers = {}) {
    const HttpResponse response = http_get(relay.port(), "/name", headers);
    EXPECT_EQ(response.status, 200) << response.reason;
    return backends_.served_by(response);
  }

  // Which backends served `count` requests.
  std::multiset<size_t> serve_many(const Relay7Process& relay, int count) {
    std::multiset<size_t> served;
    for (int i = 0; i < count; ++i) {
      served.insert(serve(relay));
    }
    return served;
  }

  // True when `count` requests in a row all went to backends among `allowed`.
  bool only(const Relay7Process& relay, const std::set<size_t>& allowed, int count = 8) {
    for (const size_t backend : serve_many(relay, count)) {
      if (!allowed.contains(backend)) {
        return false;
      }
    }
    return true;
  }

  std::vector<size_t> assign_users(const Relay7Process& relay) {
    std::vector<size_t> owners;
    for (int user = 0; user < kUsers; ++user) {
      owners.push_back(serve(relay, {{"X-User", "u" + std::to_string(user)}}));
    }
    return owners;
  }

  NamedBackends backends_{5};
  relay7::testing::TempDir dir_;
  HostsFile hosts_{dir_.file("hosts")};
};

TEST_F(ResolvedNamesTest, EveryAddressOfTheNameTakesItsShare) {
  hosts_.write(kName, hosts_of({0, 1, 2}));
  const Relay7Process relay(config({}, 1));
  const std::multiset<size_t> served = serve_many(relay, 12);
  for (size_t backend : {0, 1, 2}) {
    EXPECT_EQ(served.count(backend), 4u) << "backend " << backend << " of the name";
  }
}

// Load runs on keep-alive connections, each served by one worker, while the name moves from
// n0 n1 to n1 n2: a worker that has sent a request to n2 has taken the change up, and must never
// send one to n0 again.
TEST_F(ResolvedNamesTest, ANewHostsFileMovesTrafficWithoutAReloadAndNoRequestFails) {
  hosts_.write(kName, hosts_of({0, 1}));
  const Relay7Process relay(config());
  const std::vector<pid_t> processes = relay.all_pids();
  relay7::testing::LoadClient load(relay.port(), {.connections = 8, .max_duration = 30s});
  ASSERT_TRUE(eventually([&] { return load.answered() >= 100; }, 10s));

  hosts_.write(kName, hosts_of({1, 2}));
  ASSERT_TRUE(eventually([&] { return serve(relay) == 2; }, 10s))
      << "the new address takes no traffic\n"
      << relay.stderr_text();
  const uint64_t answered = load.answered();
  ASSERT_TRUE(eventually([&] { return load.answered() >= answered + 300; }, 10s));
  const relay7::testing::LoadResult result = load.stop();

  EXPECT_EQ(result.failures, 0u) << (result.failure_messages.empty()
                                         ? std::string()
                                         : result.failure_messages.front());
  std::map<std::pair<size_t, uint64_t>, bool> moved;  // per TCP connection: n2 seen
  size_t after_move = 0;
  for (const relay7::testing::LoadSample& sample : result.samples) {
    bool& seen_new = moved[{sample.connection, sample.connection_serial}];
    const size_t backend = backends_.served_by(sample.server);
    if (seen_new) {
      EXPECT_NE(backend, 0u) << "a worker went back to the address the name lost";
      ++after_move;
    }
    seen_new = seen_new || backend == 2;
  }
  EXPECT_GT(after_move, 0u);
  EXPECT_EQ(relay.all_pids(), processes) << "no reload, no new worker";
  EXPECT_NE(relay.stderr_text().find("app.test:" + std::to_string(backends_.port()) +
                                     " now resolves to 127.0.0.3, 127.0.0.4 (new: 127.0.0.4; "
                                     "gone: 127.0.0.2)"),
            std::string::npos)
      << relay.stderr_text();
}

TEST_F(ResolvedNamesTest, ANameThatStopsResolvingKeepsItsLastAddresses) {
  hosts_.write(kName, hosts_of({0, 1}));
  Relay7Process relay(config());
  hosts_.write("other.test", hosts_of({2}));
  ASSERT_TRUE(relay.process().wait_for_stderr("does not resolve any more", 10s))
      << relay.stderr_text();
  const std::multiset<size_t> served = serve_many(relay, 8);
  EXPECT_EQ(served.count(0) + served.count(1), 8u);
  EXPECT_GT(served.count(0), 0u);
  EXPECT_GT(served.count(1), 0u);

  hosts_.write(kName, hosts_of({3}));
  EXPECT_TRUE(eventually([&] { return only(relay, {3}); }, 10s));
  EXPECT_TRUE(relay.process().wait_for_stderr("resolves again", 1s));
}

// On the consistent ring each address of the name has points of its own: when one address is
// replaced by another, the keys of the one that left spread over the rest, the one that arrives
// takes only its own share, and every other key stays where it was.
TEST_F(ResolvedNamesTest, WithHashOnlyTheKeysOfTheChangedAddressesMove) {
  hosts_.write(kName, hosts_of({0, 1, 2, 3}));
  const Relay7Process relay(config({{"balance", "hash"}, {"hash_key", "$http_x_user"}}));
  const std::vector<size_t> before = assign_users(relay);
  ASSERT_GT(std::count(before.begin(), before.end(), 3), 0) << "the address to replace has keys";

  hosts_.write(kName, hosts_of({0, 1, 2, 4}));
  std::vector<size_t> after;
  // Both workers have taken the change up when two assignments in a row agree and spare 3.
  ASSERT_TRUE(eventually(
      [&] {
        const std::vector<size_t> first = assign_users(relay);
        after = assign_users(relay);
        return first == after && std::count(after.begin(), after.end(), 3) == 0;
      },
      10s));
  size_t moved_away = 0;
  for (int user = 0; user < kUsers; ++user) {
    if (before[user] == after[user]) {
      continue;
    }
    EXPECT_TRUE(before[user] == 3 || after[user] == 4)
        << "user " << user << " moved from " << before[user] << " to " << after[user];
    moved_away += before[user] == 3;
  }
  EXPECT_EQ(moved_away, static_cast<size_t>(std::count(before.begin(), before.end(), 3)));
}

// With nameservers, a name is asked of them; an answer's TTL shorter than "resolve" brings the
// next lookup forward. Here "resolve" is a minute: only the TTL of 1s can move traffic in time.
TEST_F(ResolvedNamesTest, AShortTtlFromTheNameserverBringsTheNextLookupForward) {
  HostsFile served_by_dns(dir_.file("dns-hosts"));
  served_by_dns.write(kName, hosts_of({0}));
  relay7::testing::DnsServer dns(served_by_dns.path(), 1s);
  nlohmann::json document = config({{"resolve", "60s"}});
  document["resolver"]["nameservers"] = {"127.0.0.1:" + std::to_string(dns.port())};
  const Relay7Process relay(document);
  EXPECT_TRUE(only(relay, {0}));

  served_by_dns.write(kName, hosts_of({1, 2}));
  dns.reread_hosts();
  EXPECT_TRUE(eventually([&] { return only(relay, {1, 2}); }, 8s)) << relay.stderr_text();
}

}  // namespace
