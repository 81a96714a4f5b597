#include "relay7/upstream/ip_hash.h"

namespace relay7 {
namespace {

std::vector<HashRing::Member> ring_members(const UpstreamConfig& upstream) {
  std::vector<HashRing::Member> members;
  members.reserve(upstream.servers.size());
  for (const UpstreamServerConfig& server : upstream.servers) {
    members.push_back({server.address_text, server.weight});
  }
  return members;
}

}  // namespace

IpHashBalancer::IpHashBalancer(const UpstreamConfig& upstream) : ring_(ring_members(upstream)) {}

size_t IpHashBalancer::pick(const BalanceRequest& request) {
  return ring_.lookup(stable_hash(request.client_address));
}

}  // namespace relay7
