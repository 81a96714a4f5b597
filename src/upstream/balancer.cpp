#include "relay7/upstream/balancer.h"

#include "relay7/upstream/ip_hash.h"
#include "relay7/upstream/round_robin.h"

namespace relay7 {

std::unique_ptr<Balancer> make_balancer(const UpstreamConfig& upstream) {
  switch (upstream.balance) {
    case BalanceMethod::ip_hash:
      return std::make_unique<IpHashBalancer>(upstream);
    case BalanceMethod::round_robin:
      break;
  }
  std::vector<uint32_t> weights;
  weights.reserve(upstream.servers.size());
  for (const UpstreamServerConfig& server : upstream.servers) {
    weights.push_back(server.weight);
  }
  return std::make_unique<SmoothWeightedRoundRobin>(weights);
}

}  // namespace relay7
