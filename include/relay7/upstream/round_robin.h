#pragma once

#include <cstdint>
#include <vector>

#include "relay7/upstream/balancer.h"

namespace relay7 {

// Smooth weighted round robin: weights 5:1:1 give A A B A C A A, interleaving the heavy server
// with the light ones instead of sending it five requests in a row.
class SmoothWeightedRoundRobin final : public Balancer {
 public:
  explicit SmoothWeightedRoundRobin(const std::vector<uint32_t>& weights);
  size_t pick(const BalanceRequest& request) override;

 private:
  std::vector<int64_t> weights_;
  std::vector<int64_t> current_;
  int64_t total_ = 0;
};

}  // namespace relay7
