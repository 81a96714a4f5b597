#pragma once

#include <bitset>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/upstream/balancer.h"
#include "relay7/upstream/connection_pool.h"
#include "relay7/upstream/shared_state.h"
#include "relay7/upstream/sticky_cookie.h"
#include "relay7/upstream/upstream_members.h"

namespace relay7 {

// One upstream block as a worker uses it: its members (a pool and a shared slot each), the
// balancers of its primaries and of its backups, and its sticky cookie. Built once per config,
// and its balancers and cookie again whenever a name's addresses change. A "server" below is a
// member index (see upstream_members.h): stable for as long as a request may hold it.
class UpstreamRuntime {
 public:
  // `slots[s]` are the shared slots of config.servers[s]; `column` the worker's ledger column.
  UpstreamRuntime(const PoolResources& resources, const UpstreamConfig& config,
                  SharedServerTable& table, const std::vector<std::vector<uint32_t>>& slots,
                  int column);
  UpstreamRuntime(const UpstreamRuntime&) = delete;
  UpstreamRuntime& operator=(const UpstreamRuntime&) = delete;

  const UpstreamConfig& config() const { return config_; }
  const UpstreamMembers& members() const { return members_; }
  ConnectionPool& pool(size_t server) { return *members_[server].pool; }
  // The server's address as written ("app.internal:8080"): the Host of a request without one.
  const std::string& address_text(size_t server) const;
  const StickyCookie* sticky() const { return sticky_.get(); }

  // Follows the names' addresses in the shared state; true when members came or went (and the
  // balancers and the cookie were rebuilt over the members that are left).
  bool refresh_members();

  // A server for the next attempt of a request, or nullopt when none is available. `excluded`
  // holds the servers the request already tried; a server whose trial request another worker
  // claimed first is added to it. `preferred` (a sticky cookie's server) wins while available.
  std::optional<size_t> choose(const BalanceRequest& request, std::optional<size_t> preferred,
                               std::vector<uint32_t>& excluded, int64_t now_ms);
  // Whether the server may take a request now (a member, not down, not out by a probe or by
  // failures).
  bool available(size_t server, int64_t now_ms) const;

  // An attempt is in flight from begin to end; least_conn upstreams count them across workers.
  void begin_attempt(size_t server);
  void end_attempt(size_t server);
  // A response status the config counts as the server's failure (fail_on_status).
  bool counts_as_failure(int status) const {
    return status >= 500 && status <= 599 && failure_statuses_[static_cast<size_t>(status - 500)];
  }
  // Reports about a server that has left (its address is another member's now) are dropped.
  void report_success(size_t server);
  void report_failure(size_t server, int64_t now_ms);

  void close_idle();
  void trim_idle(int64_t now_ms, int64_t idle_timeout_ms);

 private:
  class View;

  void build_balancers();
  bool take_if_trial(size_t server, std::vector<uint32_t>& excluded, int64_t now_ms);

  const UpstreamConfig& config_;
  UpstreamMembers members_;
  std::unique_ptr<Balancer> primary_balancer_;
  std::unique_ptr<Balancer> backup_balancer_;
  std::unique_ptr<StickyCookie> sticky_;
  bool health_checked_;
  bool counts_in_flight_;
  std::bitset<100> failure_statuses_;  // 500..599
};

}  // namespace relay7
