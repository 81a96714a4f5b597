// ip_hash and hash on the consistent ring: when a server leaves (crashed, marked down, removed by
// a reload) exactly the clients it served move, and they come back when it returns.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "support/backend_group.h"
#include "support/http_connection.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"

namespace {

using relay7::testing::BackendGroup;
using relay7::testing::HttpResponse;
using relay7::testing::Relay7Process;

constexpr size_t kBackends = 4;
constexpr int kClients = 40;  // 127.0.0.2 .. 127.0.0.41, or users u0 .. u39

// Which backend serves each key; a failed request shows as kBackends (no backend).
using Assignment = std::vector<size_t>;

class ConsistentHashTest : public ::testing::Test {
 protected:
  size_t serve_client(const Relay7Process& relay, int client) {
    const std::string address = "127.0.0.";
    const HttpResponse response =
        relay7::testing::http_get(relay.port(), "/ip", {}, address + std::to_string(client + 2));
    EXPECT_EQ(response.status, 200) << "client " << client << ": " << response.reason;
    return backends_.served_by(response);
  }

  size_t serve_user(const Relay7Process& relay, int user) {
    const HttpResponse response =
        relay7::testing::http_get(relay.port(), "/user", {{"X-User", "u" + std::to_string(user)}});
    EXPECT_EQ(response.status, 200) << "user " << user << ": " << response.reason;
    return backends_.served_by(response);
  }

  Assignment assign_clients(const Relay7Process& relay) {
    Assignment assignment;
    for (int client = 0; client < kClients; ++client) {
      assignment.push_back(serve_client(relay, client));
    }
    return assignment;
  }

  Assignment assign_users(const Relay7Process& relay) {
    Assignment assignment;
    for (int user = 0; user < kClients; ++user) {
      assignment.push_back(serve_user(relay, user));
    }
    return assignment;
  }

  // Keys of every server but `gone` stay where they were; keys of `gone` all move elsewhere.
  static void expect_only_keys_of_moved(const Assignment& before, const Assignment& after,
                                        size_t gone) {
    ASSERT_EQ(before.size(), after.size());
    size_t moved = 0;
    for (size_t key = 0; key < before.size(); ++key) {
      if (before[key] == gone) {
        EXPECT_NE(after[key], gone) << "key " << key << " still on the server that left";
        EXPECT_LT(after[key], kBackends) << "key " << key << " was not served";
        ++moved;
      } else {
        EXPECT_EQ(after[key], before[key]) << "key " << key << " moved though its server stayed";
      }
    }
    EXPECT_GT(moved, 0u) << "the server that left had no keys: the test proves nothing";
  }

  static size_t busiest(const Assignment& assignment) {
    std::map<size_t, size_t> counts;
    for (size_t server : assignment) {
      ++counts[server];
    }
    size_t best = 0;
    for (const auto& [server, count] : counts) {
      if (count > counts[best]) {
        best = server;
      }
    }
    return best;
  }

  BackendGroup backends_{kBackends};
};

TEST_F(ConsistentHashTest, IpHashMovesOnlyTheClientsOfACrashedServerAndBringsThemBack) {
  nlohmann::json upstream = {{"balance", "ip_hash"},
                             {"max_fails", 1},
                             {"fail_timeout", "1s"},
                             {"servers", backends_.server_list()}};
  const Relay7Process relay(BackendGroup::config_with(upstream, 2));
  const Assignment before = assign_clients(relay);
  EXPECT_GT(std::set<size_t>(before.begin(), before.end()).size(), 2u);
  const size_t victim = busiest(before);

  backends_.kill(victim);
  const Assignment during = assign_clients(relay);
  expect_only_keys_of_moved(before, during, victim);
  // The survivors' share is stable while the server stays out, request after request.
  EXPECT_EQ(assign_clients(relay), during);

  backends_.restart(victim);
  // Out for fail_timeout, then one trial request brings it back.
  EXPECT_TRUE(relay7::testing::eventually([&] { return assign_clients(relay) == before; },
                                          std::chrono::seconds(10)))
      << "the clients of the restarted server did not come back";
}

TEST_F(ConsistentHashTest, HashOnAHeaderFollowsDownAndRemovalInTheConfig) {
  nlohmann::json upstream = {
      {"balance", "hash"}, {"hash_key", "$http_x_user"}, {"servers", backends_.server_list()}};
  Relay7Process relay(BackendGroup::config_with(upstream));
  const Assignment before = assign_users(relay);
  const size_t victim = busiest(before);
  uint64_t reloads = 0;
  const auto reload = [&](const nlohmann::json& changed) {
    relay.reload_with(relay7::testing::listen_on(BackendGroup::config_with(changed), relay.port()));
    const auto status =
        relay7::testing::wait_for_reloads(relay, ++reloads, std::chrono::seconds(10));
    ASSERT_TRUE(status && status->ok) << relay.stderr_text();
  };

  nlohmann::json marked_down = upstream;
  marked_down["servers"][victim] = {{"address", backends_.address(victim)}, {"down", true}};
  reload(marked_down);
  expect_only_keys_of_moved(before, assign_users(relay), victim);

  reload(upstream);
  EXPECT_EQ(assign_users(relay), before);

  nlohmann::json removed = upstream;
  removed["servers"].erase(victim);
  reload(removed);
  expect_only_keys_of_moved(before, assign_users(relay), victim);
}

TEST_F(ConsistentHashTest, RequestsWithoutTheKeyAreSpreadRoundRobin) {
  nlohmann::json upstream = {
      {"balance", "hash"}, {"hash_key", "$cookie_session"}, {"servers", backends_.server_list()}};
  const Relay7Process relay(BackendGroup::config_with(upstream));
  std::set<size_t> used;
  for (int i = 0; i < 8; ++i) {
    used.insert(backends_.served_by(relay7::testing::http_get(relay.port(), "/no-cookie")));
  }
  EXPECT_EQ(used.size(), kBackends);
  std::set<size_t> with_cookie;
  for (int i = 0; i < 8; ++i) {
    with_cookie.insert(backends_.served_by(
        relay7::testing::http_get(relay.port(), "/c", {{"Cookie", "theme=dark; session=abc"}})));
  }
  EXPECT_EQ(with_cookie.size(), 1u);
}

}  // namespace
