#pragma once

#include <cstdint>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include "relay7/upstream/balancer.h"

namespace relay7::testing {

// Eligibility and load as plain vectors, indexed like UpstreamConfig::servers.
class FakeServerView final : public ServerView {
 public:
  explicit FakeServerView(size_t servers) : eligible_(servers, true), active_(servers, 0) {}
  bool eligible(size_t server) const override { return eligible_.at(server); }
  uint32_t active_requests(size_t server) const override { return active_.at(server); }

  std::vector<bool> eligible_;
  std::vector<uint32_t> active_;
};

inline UpstreamConfig upstream_of(const std::vector<std::string>& addresses,
                                  const std::vector<uint32_t>& weights = {}) {
  UpstreamConfig upstream;
  upstream.name = "backend";
  for (size_t i = 0; i < addresses.size(); ++i) {
    UpstreamServerConfig server;
    server.address_text = addresses[i];
    server.weight = weights.empty() ? 1 : weights[i];
    upstream.servers.push_back(server);
  }
  return upstream;
}

// "10.0.0.0:80", "10.0.0.1:80", ...
inline std::vector<std::string> addresses(size_t count) {
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i) {
    out.push_back("10.0.0." + std::to_string(i) + ":80");
  }
  return out;
}

// The servers at `indices` as balancer members: each its own index, weight and address as written.
inline std::vector<BalancerMember> members_of(const UpstreamConfig& upstream,
                                              const std::vector<size_t>& indices) {
  std::vector<BalancerMember> members;
  for (size_t index : indices) {
    const UpstreamServerConfig& server = upstream.servers[index];
    members.push_back(BalancerMember{index, server.weight, server.address_text});
  }
  return members;
}

inline std::vector<BalancerMember> all_members(const UpstreamConfig& upstream) {
  std::vector<size_t> indices(upstream.servers.size());
  std::iota(indices.begin(), indices.end(), size_t{0});
  return members_of(upstream, indices);
}

// Servers as letters ('A' for index 0, '-' for none), so a test can spell out a sequence.
inline std::string sequence(Balancer& balancer, const ServerView& view, int count,
                            std::string_view key = {}) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    const auto server = balancer.pick(BalanceRequest{key}, view);
    out += server ? static_cast<char>('A' + *server) : '-';
  }
  return out;
}

}  // namespace relay7::testing
