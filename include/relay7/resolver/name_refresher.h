#pragma once

#include <poll.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/resolver/dns_channel.h"
#include "relay7/upstream/shared_state.h"

namespace relay7 {

// The master's part in following names while relay7 runs: it resolves each name of the running
// configs again every `resolve` interval of its upstream (sooner when the answer's TTL is
// shorter, never more often than once a second) and publishes the addresses in the shared state,
// where every worker takes them up on its next tick. Lookups go through c-ares on sockets the
// master polls with its own: the master never waits for DNS.
//
// A name that stops resolving keeps its last addresses; a warning says so once, and an info line
// when it resolves again. A name with more than kMaxAddressesPerName addresses keeps the lowest.
class NameRefresher {
 public:
  using Clock = std::chrono::steady_clock;
  // The shortest delay a TTL can bring a lookup forward to.
  static constexpr std::chrono::seconds kMinTtl{1};

  explicit NameRefresher(SharedStateRegistry& registry) : registry_(registry) {}
  NameRefresher(const NameRefresher&) = delete;
  NameRefresher& operator=(const NameRefresher&) = delete;

  // The "resolver" settings of the newest config. When they changed, lookups under way are
  // dropped and asked again with the new ones.
  void configure(const ResolverConfig& settings);

  // The resolver's sockets, appended to the master's poll set.
  void add_poll_fds(std::vector<pollfd>& fds) const;
  // How long the master may wait before run() has something to do; nullopt: no limit. Names a
  // config brought since the last call are scheduled from `now`.
  std::optional<std::chrono::milliseconds> time_to_next(Clock::time_point now);
  // After each wait: reads answers, handles timeouts, asks for the names whose time has come.
  void run(const std::vector<pollfd>& fds, Clock::time_point now);
  // Descriptors a forked worker must close.
  std::vector<int> open_descriptors() const;

 private:
  struct Schedule {
    Clock::time_point due;
    bool asking = false;
    bool failing = false;    // the last lookup failed: the name keeps older addresses
    bool truncated = false;  // it was said that the name has too many addresses
  };

  void follow_registry(Clock::time_point now);
  void ask_due_names(Clock::time_point now);
  void on_answer(const std::string& key, LookupResult result);
  void report_failure(const SharedStateRegistry::ResolvedName& name, Schedule& schedule,
                      const std::string& error);
  static Duration next_delay(Duration interval, std::optional<std::chrono::seconds> ttl);

  SharedStateRegistry& registry_;
  std::optional<ResolverConfig> settings_;
  std::unique_ptr<DnsChannel> channel_;
  std::map<std::string, Schedule> schedule_;  // by the registry's name key
  Clock::time_point now_;                     // of the run() under way, or the last one
};

}  // namespace relay7
