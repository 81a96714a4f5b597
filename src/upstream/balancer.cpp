#include "relay7/upstream/balancer.h"

#include "relay7/upstream/hash_balancer.h"
#include "relay7/upstream/least_conn.h"
#include "relay7/upstream/round_robin.h"

namespace relay7 {

std::unique_ptr<Balancer> make_balancer(const UpstreamConfig& upstream,
                                        std::span<const BalancerMember> members) {
  switch (upstream.balance) {
    case BalanceMethod::ip_hash:
    case BalanceMethod::hash:
      return std::make_unique<HashBalancer>(members);
    case BalanceMethod::least_conn:
      return std::make_unique<LeastConnections>(members);
    case BalanceMethod::round_robin:
      break;
  }
  return std::make_unique<SmoothWeightedRoundRobin>(members);
}

std::unique_ptr<Balancer> make_backup_balancer(std::span<const BalancerMember> members) {
  return std::make_unique<SmoothWeightedRoundRobin>(members);
}

}  // namespace relay7
